package org.contrastive4j.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.ZipFile;
import org.contrastive4j.core.contract.RunLayout;
import org.contrastive4j.models.DjlRuntime;
import org.contrastive4j.models.ModelCheckpoint;
import org.contrastive4j.trainer.cli.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed format-1 checkpoint (written before checkpoints carried a format version) loads, computes what the
 * ONNX model exported from the same weights computes, and resumes.
 */
class FormatV1CheckpointTest {

    @Test
    void djlOnTheLoadedCheckpointEqualsOnnxRuntimeOnItsExport() throws Exception {
        DjlRuntime.engine();
        int n = 4;
        float[] x = new float[n * 28 * 28];
        SplittableRandom rng = new SplittableRandom(5);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) ((rng.nextDouble() - 0.286) / 0.353);
        }
        float[][] djl = new float[2][];
        try (NDManager m = NDManager.newBaseManager()) {
            ModelCheckpoint.Loaded l = ModelCheckpoint.load(Fixtures.FORMAT_V1.resolve("last.ckpt"), m);
            assertEquals(1, l.formatVersion());
            NDList out = l.block().forward(new ParameterStore(m, false), new NDList(m.create(x, new Shape(n, 1, 28, 28))), false);
            djl[0] = out.get(0).toFloatArray();
            djl[1] = out.get(1).toFloatArray();
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions();
                OrtSession s = env.createSession(Fixtures.FORMAT_V1.resolve("model.onnx").toString(), so);
                OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {n, 1, 28, 28});
                OrtSession.Result r = s.run(Map.of("input", in))) {
            List<String> names = List.of("embedding", "projection");
            for (int k = 0; k < 2; k++) {
                float[][] rows = (float[][]) r.get(names.get(k)).orElseThrow().getValue();
                int d = rows[0].length;
                assertEquals(djl[k].length, n * d, names.get(k) + " width");
                double max = 0;
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < d; j++) {
                        max = Math.max(max, Math.abs(rows[i][j] - djl[k][i * d + j]));
                    }
                }
                assertTrue(max <= 1e-5, names.get(k) + ": max |DJL - ORT| = " + max);
            }
            // not vacuous: the outputs depend on the input
            assertNotEquals(djl[0][0], djl[0][djl[0].length / n]);
        }
    }

    @Test
    void aFormatOneRunResumesFromItsTrainerStateAndIsExtended(@TempDir Path dir) throws Exception {
        Path run = Fixtures.formatV1Run(dir.resolve("run"));
        // the fixture's run stopped at --max-steps 3; a larger --max-steps extends it by two steps
        CliRun.Outcome o = CliRun.run("train", "--resume", run.toString(), "--max-steps", "5", "--export", "false");
        assertEquals(0, o.code(), o.err() + o.out());
        assertTrue(o.out().contains("resuming at step 3"), o.out());
        RunLayout layout = RunLayout.of(run);
        try (ZipFile z = new ZipFile(layout.lastCheckpoint().toFile())) {
            JsonObject state = JsonParser.parseString(new String(z.getInputStream(z.getEntry("trainer_state.json"))
                    .readAllBytes(), StandardCharsets.UTF_8)).getAsJsonObject();
            assertEquals(5, state.get("global_step").getAsInt());
            assertEquals("2", new String(z.getInputStream(z.getEntry("format_version")).readAllBytes(), StandardCharsets.UTF_8));
        }
        assertEquals(5, JsonParser.parseString(Files.readString(layout.config())).getAsJsonObject().get("max_steps").getAsInt());
        assertEquals(5, JsonParser.parseString(Files.readString(layout.summary())).getAsJsonObject().get("steps").getAsInt());

        // now complete: resuming without a longer plan is refused instead of training nothing
        CliRun.Outcome again = CliRun.run("train", "--resume", run.toString());
        CliRun.assertOneLineError(again, "is complete (5 of 5 steps");
        CliRun.Outcome longer = CliRun.run("train", "--resume", run.toString(), "--epochs", "3", "--lr", "0.5");
        CliRun.assertOneLineError(longer, "cannot change --lr (the run has 0.05, asked for 0.5)");
    }
}
