package org.contrastive4j.exporter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.contrastive4j.exporter.ExportOptions.Output;
import org.contrastive4j.exporter.OnnxGraph.Op;
import org.contrastive4j.models.EncoderBlock;
import org.contrastive4j.models.Encoders;
import org.contrastive4j.models.ModelSpec;
import org.contrastive4j.models.blocks.L2NormalizeBlock;
import org.contrastive4j.models.blocks.ReluBlock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportFailureTest {

    @TempDir
    Path dir;

    /** A BatchNorm converter that forgets the spec and uses PyTorch-ish 1e-3: plausible, and wrong. */
    private static final BlockConverter<BatchNorm> WRONG_EPSILON = (ctx, bn, x) -> ctx.graph().apply(
            Op.BATCH_NORMALIZATION, ctx.name("bn"), Map.of("epsilon", 1e-3f), x, ctx.parameter(bn, "gamma"),
            ctx.parameter(bn, "beta"), ctx.parameter(bn, "runningMean"), ctx.parameter(bn, "runningVar"));

    @Test
    void aWrongConverterIsCaughtByTheParityCheckAndLeavesNoFile() throws Exception {
        ModelSpec spec = ModelSpec.smallCnn(1, 28, 28).withWidth(4);
        Path out = dir.resolve("wrong.onnx");
        try (NDManager m = NDManager.newBaseManager()) {
            EncoderBlock block = Encoders.build(spec).initialize(m);
            TestModels.train(block, m, 2, 16);
            ConverterRegistry wrong = ConverterRegistry.defaults().with(BatchNorm.class, WRONG_EPSILON);
            ParityException e = assertThrows(ParityException.class,
                    () -> OnnxExporter.export(block, ExportOptions.defaults(), out, wrong));
            assertTrue(e.getMessage().contains("parity check failed"), e.getMessage());
            assertTrue(e.maxAbsDiff() > ExportOptions.DEFAULT_TOLERANCE);
            assertFalse(Files.exists(out));
            assertEquals(List.of(), TestModels.others(dir, out), "temporary files left behind");
            // the same model with the right converter exports: the failure was the converter's
            ExportReport ok = OnnxExporter.export(block, ExportOptions.defaults(), out);
            assertTrue(Files.exists(out));
            assertTrue(ok.maxScaledDiff() < e.maxAbsDiff());
        }
    }

    @Test
    void anUnknownBlockIsNamedByItsPathAndNoFileIsWritten() throws Exception {
        ModelSpec spec = ModelSpec.mlp(6, new int[0], 4);
        Block backbone = new SequentialBlock()
                .add(Linear.builder().setUnits(5).build())
                .add(new SequentialBlock().add(new ReluBlock()).add(new ReluBlock()).add(new LambdaBlock(l -> new NDList(l.singletonOrThrow().mul(2)))))
                .add(Linear.builder().setUnits(4).build());
        Block head = new SequentialBlock().add(new L2NormalizeBlock(1e-12f));
        Path out = dir.resolve("lambda.onnx");
        try (NDManager m = NDManager.newBaseManager()) {
            EncoderBlock block = new EncoderBlock(spec, backbone, head, null).initialize(m);
            UnsupportedBlockException e = assertThrows(UnsupportedBlockException.class,
                    () -> OnnxExporter.export(block, ExportOptions.defaults(), out));
            assertEquals("01backbone/02SequentialBlock/03LambdaBlock \"anonymous\"", e.path());
            assertTrue(e.getMessage().startsWith("cannot export 01backbone/02SequentialBlock/03LambdaBlock \"anonymous\": "
                    + "no ONNX converter for " + LambdaBlock.class.getName()), e.getMessage());
            assertFalse(Files.exists(out));
            assertEquals(List.of(), TestModels.others(dir, out));
        }
    }

    @Test
    void aFailedExportLeavesAnEarlierFileUntouched() throws Exception {
        ModelSpec spec = ModelSpec.mlp(6, new int[] {5}, 4);
        Path out = dir.resolve("model.onnx");
        byte[] earlier = {1, 2, 3, 4};
        Files.write(out, earlier);
        try (NDManager m = NDManager.newBaseManager()) {
            EncoderBlock block = Encoders.build(spec).initialize(m);
            TestModels.train(block, m, 2, 8);
            ConverterRegistry wrong = ConverterRegistry.defaults().with(BatchNorm.class, WRONG_EPSILON);
            assertThrows(ParityException.class, () -> OnnxExporter.export(block, ExportOptions.defaults(), out, wrong));
        }
        assertArrayEquals(earlier, Files.readAllBytes(out));
        assertEquals(List.of(), TestModels.others(dir, out));
    }

    @Test
    void outputsCanBeChosenAndLogitsNeedAHead() throws Exception {
        ModelSpec spec = ModelSpec.mlp(6, new int[] {5}, 4);
        try (NDManager m = NDManager.newBaseManager()) {
            EncoderBlock block = Encoders.build(spec).initialize(m);
            Path out = dir.resolve("emb.onnx");
            ExportReport r = OnnxExporter.export(block, ExportOptions.builder().outputs(Output.EMBEDDING).build(), out);
            assertEquals(List.of("random-1/embedding", "random-8/embedding"), List.copyOf(r.diffByCheck().keySet()));
            try (OrtSession.SessionOptions so = new OrtSession.SessionOptions();
                 OrtSession s = OrtEnvironment.getEnvironment().createSession(out.toString(), so)) {
                assertEquals(List.of("embedding"), List.copyOf(s.getOutputNames()));
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OnnxExporter.export(block,
                    ExportOptions.builder().outputs(Output.EMBEDDING, Output.LOGITS).build(), dir.resolve("x.onnx")));
            assertTrue(e.getMessage().contains("classifier head"), e.getMessage());
            assertFalse(Files.exists(dir.resolve("x.onnx")));
            IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> OnnxExporter.export(block,
                    ExportOptions.builder().realBatch(new float[7], 1).build(), dir.resolve("y.onnx")));
            assertTrue(bad.getMessage().contains("real batch has 7 values"), bad.getMessage());
        }
    }

    @Test
    void optionsRejectNonsense() {
        assertThrows(IllegalArgumentException.class, () -> ExportOptions.builder().tolerance(-1));
        assertThrows(IllegalArgumentException.class, () -> ExportOptions.builder().randomBatchSizes(0));
        assertThrows(IllegalArgumentException.class, () -> ExportOptions.builder().realBatch(new float[5], 2));
        assertEquals(EnumSet.of(Output.EMBEDDING, Output.PROJECTION), Output.parseList("embedding, projection"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Output.parseList("embeddings"));
        assertTrue(e.getMessage().contains("unknown output 'embeddings'"));
    }
}
