package org.contrastive4j.exporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.contrastive4j.core.contract.MetadataKeys;
import org.contrastive4j.core.data.FashionMnist;
import org.contrastive4j.core.data.Samples;
import org.contrastive4j.models.DjlRuntime;
import org.contrastive4j.models.EncoderBlock;
import org.contrastive4j.models.Encoders;
import org.contrastive4j.models.ModelSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every family exports after a few training steps and passes parity at batch 1, 8 and 256. */
class FamilyExportTest {

    @TempDir
    Path dir;

    private ExportReport exportTrained(ModelSpec spec, ExportOptions.Builder options) throws Exception {
        Path out = dir.resolve(spec.family() + ".onnx");
        DjlRuntime.engine().setRandomSeed(20261201); // the same weights and batches on every run
        try (NDManager m = NDManager.newBaseManager()) {
            EncoderBlock block = Encoders.build(spec).initialize(m);
            TestModels.train(block, m, 3, 16);
            ExportReport r = OnnxExporter.export(block, options.randomBatchSizes(1, 8, 256)
                    .metadata(Map.of(MetadataKeys.LOSS, "ntxent", MetadataKeys.SEED, "7")).build(), out);
            assertTrue(r.maxScaledDiff() <= 1e-5, "parity " + r.maxScaledDiff());
            assertTrue(r.maxScaledDiff() <= r.maxAbsDiff());
            // float32 kernels differ a little, yet far less than any conversion error would: measured here relative to
            // the output's magnitude (ResNet-50 features reach tens, where 1e-4 absolute is a few ulps).
            TestModels.assertIndependentParity(out, block, m, 5, 11);
            for (String check : new String[] {"random-1", "random-8", "random-256"}) {
                assertTrue(r.diffByCheck().containsKey(check + "/embedding"), r.diffByCheck().toString());
            }
            assertTrue(r.nodeCount() > 0);
            assertEquals(out, r.path());
            assertEquals(List.of(), TestModels.others(dir, out), "leftover files");
            System.out.printf("EXPORT %s %s: nodes=%d bytes=%d seconds=%.2f maxAbsDiff=%.3g scaled=%.3g%n", spec.family(),
                    spec.stem() == null ? "" : spec.stem(), r.nodeCount(), r.fileBytes(), r.seconds(), r.maxAbsDiff(),
                    r.maxScaledDiff());
            return r;
        }
    }

    @Test
    void mlpWithClassifierExportsAllFourOutputs() throws Exception {
        ModelSpec spec = ModelSpec.mlp(20, new int[] {32, 24}, 16).withNumClasses(4);
        ExportReport r = exportTrained(spec, ExportOptions.builder());
        Map<String, Integer> outs = new LinkedHashMap<>();
        outs.put("embedding", 16);
        outs.put("projection", 16);
        outs.put("logits", 4);
        outs.put("probabilities", 4);
        Map<String, String> meta = TestModels.assertStructure(r.path(), spec, outs, r);
        assertEquals("ntxent", meta.get(MetadataKeys.LOSS));
        assertEquals("[20]", meta.get(MetadataKeys.INPUT_SHAPE));
        assertTrue(r.diffByCheck().containsKey("random-256/probabilities"));
    }

    @Test
    void smallCnnPassesParityOnRandomAndRealFashionMnist() throws Exception {
        ModelSpec spec = ModelSpec.smallCnn(1, 28, 28).withWidth(8);
        Samples real = FashionMnist.load(FashionMnist.subsetDir(), "test").head(32);
        float[] x = real.values();
        for (int i = 0; i < x.length; i++) {
            x[i] = (x[i] - FashionMnist.MEAN) / FashionMnist.STD;
        }
        ExportReport r = exportTrained(spec, ExportOptions.builder().realBatch(x, real.size()));
        assertTrue(r.diffByCheck().containsKey("real-32/projection"), r.diffByCheck().toString());
        TestModels.assertStructure(r.path(), spec, Map.of("embedding", 32, "projection", 64), r);
    }

    @Test
    void resnet18CifarStemPassesParity() throws Exception {
        ModelSpec spec = ModelSpec.resnet18(3, 32, 32, ModelSpec.STEM_CIFAR).withWidth(8).withProjectionDims(64, 32);
        ExportReport r = exportTrained(spec, ExportOptions.builder());
        TestModels.assertStructure(r.path(), spec, Map.of("embedding", 64, "projection", 32), r);
    }

    @Test
    void resnet18ImagenetStemPassesParity() throws Exception {
        ModelSpec spec = ModelSpec.resnet18(3, 64, 64, ModelSpec.STEM_IMAGENET).withWidth(8).withProjectionDims(64, 32);
        ExportReport r = exportTrained(spec, ExportOptions.builder());
        TestModels.assertStructure(r.path(), spec, Map.of("embedding", 64, "projection", 32), r);
    }

    @Test
    void resnet50BottleneckAndDownsampleBlocksPassParity() throws Exception {
        ModelSpec spec = ModelSpec.resnet(ModelSpec.RESNET50, 3, 48, 48, ModelSpec.STEM_IMAGENET).withWidth(4)
                .withProjectionDims(32, 16);
        ExportReport r = exportTrained(spec, ExportOptions.builder());
        TestModels.assertStructure(r.path(), spec, Map.of("embedding", 128, "projection", 16), r);
    }

    @Test
    void resnet34CifarStemPassesParity() throws Exception {
        ModelSpec spec = ModelSpec.resnet(ModelSpec.RESNET34, 3, 16, 16, ModelSpec.STEM_CIFAR).withWidth(4)
                .withProjectionDims(16);
        ExportReport r = exportTrained(spec, ExportOptions.builder());
        TestModels.assertStructure(r.path(), spec, Map.of("embedding", 32, "projection", 16), r);
    }
}
