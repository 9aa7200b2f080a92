package org.contrastive4j.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.contrastive4j.core.cli.C4j;
import org.contrastive4j.core.contract.MetadataKeys;
import org.contrastive4j.models.DjlRuntime;
import org.contrastive4j.models.Encoders;
import org.contrastive4j.models.ModelCheckpoint;
import org.contrastive4j.models.ModelSpec;
import org.contrastive4j.models.weights.SafeTensorsFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportCommandTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int c4j(String... args) {
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        return C4j.run(args, o, new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void exportsTheRunsLastCheckpointWithItsProvenance() throws Exception {
        DjlRuntime.engine();
        ModelSpec spec = ModelSpec.smallCnn(1, 28, 28).withWidth(4).withNumClasses(10);
        try (NDManager m = NDManager.newBaseManager()) {
            ModelCheckpoint.save(dir.resolve("checkpoints/last.ckpt"), spec, Encoders.build(spec).initialize(m),
                    Map.of("c4j.loss", "supcon", "c4j.dataset", "fashion-mnist"), Map.of());
        }
        assertEquals(0, c4j("export", "--run", dir.toString()), err.toString());
        Path model = dir.resolve("model.onnx");
        assertTrue(Files.isRegularFile(model));
        String printed = out.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("parity: max abs diff") && printed.contains("nodes:"), printed);
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions();
             OrtSession s = OrtEnvironment.getEnvironment().createSession(model.toString(), so)) {
            assertEquals(List.of("embedding", "projection", "logits", "probabilities"), List.copyOf(s.getOutputNames()));
            assertEquals("supcon", s.getMetadata().getCustomMetadataValue("c4j.loss").orElseThrow());
        }

        Path only = dir.resolve("emb.onnx");
        assertEquals(0, c4j("export", "--checkpoint", dir.resolve("checkpoints/last.ckpt").toString(), "--out", only.toString(),
                "--outputs", "embedding", "--tolerance", "1e-4"), err.toString());
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions();
             OrtSession s = OrtEnvironment.getEnvironment().createSession(only.toString(), so)) {
            assertEquals(List.of("embedding"), List.copyOf(s.getOutputNames()));
        }
    }

    @Test
    void badArgumentsGiveOneLineErrors() {
        assertEquals(2, c4j("export", "--out", "x.onnx"));
        assertTrue(err.toString().contains("exactly one of --run DIR or --checkpoint FILE"), err.toString());
        err.reset();
        assertEquals(2, c4j("export", "--run", dir.toString()));
        assertTrue(err.toString().contains("no checkpoint at"), err.toString());
        assertEquals(1, err.toString().strip().lines().count());
        err.reset();
        assertEquals(2, c4j("export", "--checkpoint", dir.resolve("a.ckpt").toString()));
        assertTrue(err.toString().contains("--out FILE is required"), err.toString());
        assertFalse(Files.exists(dir.resolve("model.onnx")));
    }

    /** The models module's committed torchvision fixtures, relative to this module's directory. */
    static final Path FIXTURES = Path.of("../models/src/test/resources/weights");

    @Test
    void pretrainedWeightsExportUntrainedAndMatchTorchvisionThroughOnnxRuntime() throws Exception {
        Path weights = FIXTURES.resolve("resnet50-w4-cifar-bf16.safetensors");
        Path model = dir.resolve("zero-shot.onnx");
        assertEquals(0, c4j("export", "--model", "resnet50", "--init-weights", weights.toString(), "--input-shape", "3,16,16",
                "--out", model.toString()), err.toString());
        String printed = out.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("resnet50 (bottleneck blocks 3-4-6-3, width 4, cifar stem, 3 input channels; safetensors)"),
                printed);
        assertTrue(printed.contains("loaded 265 tensors") && printed.contains("parity: max abs diff"), printed);
        try (SafeTensorsFile expected = SafeTensorsFile.open(FIXTURES.resolve("resnet50-w4-cifar-bf16.expected.safetensors"));
             OrtSession.SessionOptions so = new OrtSession.SessionOptions();
             OrtSession s = OrtEnvironment.getEnvironment().createSession(model.toString(), so)) {
            assertEquals(List.of("embedding", "projection"), List.copyOf(s.getOutputNames()));
            Map<String, String> meta = s.getMetadata().getCustomMetadata();
            assertEquals("[0.485,0.456,0.406]", meta.get(MetadataKeys.INPUT_MEAN).replace(" ", ""));
            assertEquals("[0.229,0.224,0.225]", meta.get(MetadataKeys.INPUT_STD).replace(" ", ""));
            assertTrue(meta.get(MetadataKeys.INIT_WEIGHTS).matches("resnet50-w4-cifar-bf16\\.safetensors sha256 [0-9a-f]{64} "
                    + "resnet50 \\(.*"), meta.get(MetadataKeys.INIT_WEIGHTS));
            assertTrue(meta.get(MetadataKeys.MODEL_SPEC).contains("\"projectionDims\":[]"), meta.get(MetadataKeys.MODEL_SPEC));
            float[] x = expected.floats("input");
            float[] torch = expected.floats("embedding");
            try (OnnxTensor t = OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), FloatBuffer.wrap(x),
                    new long[] {2, 3, 16, 16}); OrtSession.Result r = s.run(Map.of("input", t))) {
                float[][] emb = (float[][]) r.get("embedding").orElseThrow().getValue();
                float[][] proj = (float[][]) r.get("projection").orElseThrow().getValue();
                double diff = 0;
                double peak = 0;
                for (int i = 0; i < 2; i++) {
                    double norm = 0;
                    for (int j = 0; j < 128; j++) {
                        diff = Math.max(diff, Math.abs(emb[i][j] - torch[i * 128 + j]));
                        peak = Math.max(peak, Math.abs(torch[i * 128 + j]));
                        norm += (double) emb[i][j] * emb[i][j];
                    }
                    for (int j = 0; j < 128; j++) {
                        assertEquals(emb[i][j] / Math.sqrt(norm), proj[i][j], 1e-6, "projection = normalised embedding");
                    }
                }
                System.out.printf(Locale.ROOT, "resnet50-w4 fixture, ONNX Runtime vs torchvision: max abs %.3g, max |torch| %.4g%n",
                        diff, peak);
                assertTrue(diff / Math.max(1, peak) <= 1e-5, "ONNX Runtime vs torchvision: " + diff + " (max |torch| " + peak + ")");
            }
        }
    }

    @Test
    void pretrainedExportArgumentsAreChecked() throws Exception {
        Path weights = FIXTURES.resolve("resnet18-w8-imagenet-f16.safetensors");
        assertEquals(2, c4j("export", "--init-weights", weights.toString()));
        assertTrue(err.toString().contains("--out FILE is required with --init-weights"), err.toString());
        err.reset();
        assertEquals(2, c4j("export", "--checkpoint", "x.ckpt", "--input-shape", "3,8,8", "--out", "y.onnx"));
        assertTrue(err.toString().contains("--input-shape is only used with --init-weights"), err.toString());
        err.reset();
        assertEquals(2, c4j("export", "--init-weights", weights.toString(), "--input-shape", "3,224", "--out", "y.onnx"));
        assertTrue(err.toString().contains("--input-shape must be three positive integers C,H,W"), err.toString());
        err.reset();
        assertEquals(2, c4j("export", "--init-weights", weights.toString(), "--out", weights.toString()));
        assertTrue(err.toString().contains("is the input file"), err.toString());
        err.reset();
        assertEquals(2, c4j("export", "--init-weights", weights.toString(), "--run", dir.toString(), "--out", "y.onnx"));
        assertTrue(err.toString().contains("exactly one of --run DIR or --checkpoint FILE"), err.toString());
        err.reset();
        Path target = dir.resolve("r.onnx");
        assertTrue(c4j("export", "--model", "resnet34", "--init-weights", weights.toString(), "--input-shape", "3,32,32",
                "--out", target.toString()) != 0);
        assertTrue(err.toString().contains("the weights are a resnet18 (basic blocks 2-2-2-2, width 8, imagenet stem, 3 input "
                + "channels; safetensors), not a resnet34; use the model family resnet18"), err.toString());
        assertEquals(1, err.toString().strip().lines().count(), err.toString());
        assertFalse(Files.exists(target));
    }
}
