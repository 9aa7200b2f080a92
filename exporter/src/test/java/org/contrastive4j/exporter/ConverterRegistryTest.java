package org.contrastive4j.exporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import java.nio.file.Path;
import java.util.Map;
import org.contrastive4j.core.contract.MetadataKeys;
import org.contrastive4j.models.EncoderBlock;
import org.contrastive4j.models.Encoders;
import org.contrastive4j.models.ModelSpec;
import org.contrastive4j.models.blocks.ReluBlock;
import org.contrastive4j.models.blocks.UnaryBlock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConverterRegistryTest {

    @TempDir
    Path dir;

    @Test
    void lookupWalksSuperclassesAndNothingCoversLambdaBlockByDefault() {
        ConverterRegistry defaults = ConverterRegistry.defaults();
        for (Class<?> c : new Class<?>[] {SequentialBlock.class, Conv2d.class, Linear.class, BatchNorm.class, ReluBlock.class}) {
            assertNotNull(defaults.find(c), c.getName());
        }
        assertNull(defaults.find(LambdaBlock.class));
        assertNull(defaults.find(AbstractBlock.class));

        BlockConverter<UnaryBlock> generic = (ctx, b, x) -> x;
        ConverterRegistry r = ConverterRegistry.empty().with(UnaryBlock.class, generic);
        assertSame(generic, r.find(ReluBlock.class));
        BlockConverter<ReluBlock> specific = (ctx, b, x) -> x;
        assertSame(specific, r.with(ReluBlock.class, specific).find(ReluBlock.class));
        assertSame(generic, r.find(ReluBlock.class), "with() must not change the original table");
    }

    @Test
    void exporterKeysTakePrecedenceOverProvenance() throws Exception {
        ModelSpec spec = ModelSpec.mlp(6, new int[] {5}, 4);
        try (NDManager m = NDManager.newBaseManager()) {
            EncoderBlock block = Encoders.build(spec).initialize(m);
            Path out = dir.resolve("m.onnx");
            ExportReport r = OnnxExporter.export(block, ExportOptions.builder()
                    .metadata(Map.of(MetadataKeys.EMBEDDING_DIM, "999", MetadataKeys.CLASS_NAMES, "[\"a\",\"b\"]")).build(), out);
            Map<String, String> meta = TestModels.assertStructure(out, spec, Map.of("embedding", 4, "projection", 4), r);
            assertEquals("4", meta.get(MetadataKeys.EMBEDDING_DIM));
            assertEquals("[\"a\",\"b\"]", meta.get(MetadataKeys.CLASS_NAMES));
        }
    }
}
