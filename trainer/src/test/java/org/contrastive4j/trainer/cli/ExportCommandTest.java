package org.contrastive4j.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.contrastive4j.core.cli.C4j;
import org.contrastive4j.models.DjlRuntime;
import org.contrastive4j.models.Encoders;
import org.contrastive4j.models.ModelCheckpoint;
import org.contrastive4j.models.ModelSpec;
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
}
