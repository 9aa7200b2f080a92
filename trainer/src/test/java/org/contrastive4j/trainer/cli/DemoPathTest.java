package org.contrastive4j.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo path end to end on a small slice of the committed subset: a few training steps with DJL, ONNX export,
 * ONNX Runtime embeddings equal to DJL's, k-NN accuracy well above chance, and summary.json with its contract fields.
 */
class DemoPathTest {

    @Test
    void trainExportVerifyClassify(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("demo");
        CliRun.Outcome o = CliRun.run("demo", "--out", out.toString(), "--data", "fashion-mnist-subset",
                "--epochs", "3", "--max-train-samples", "600", "--max-test-samples", "300", "--no-report");
        assertEquals(0, o.code(), o.err() + o.out());
        JsonObject s = JsonParser.parseString(Files.readString(out.resolve("summary.json"))).getAsJsonObject();
        for (String field : new String[] {"dataset", "train_size", "test_size", "loss", "epochs", "test_accuracy",
                "export_max_abs_diff", "onnx_path", "seconds"}) {
            assertTrue(s.has(field), "summary.json lacks " + field + ": " + s);
        }
        assertEquals(600, s.get("train_size").getAsInt());
        assertEquals(300, s.get("test_size").getAsInt());
        assertEquals("supcon", s.get("loss").getAsString());
        assertTrue(s.get("dataset").getAsString().contains("subset"), s.get("dataset").getAsString());
        // the tolerance applies to the figure relative to each output's magnitude (the probe's logits exceed 1)
        assertTrue(s.get("export_max_scaled_diff").getAsDouble() <= 1e-5, "parity " + s.get("export_max_scaled_diff"));
        assertTrue(s.get("export_max_abs_diff").getAsDouble() <= 1e-3, "parity " + s.get("export_max_abs_diff"));
        assertTrue(s.get("onnx_vs_djl_embeddings_max_abs_diff").getAsDouble() <= 1e-5,
                "ONNX vs DJL embeddings " + s.get("onnx_vs_djl_embeddings_max_abs_diff"));
        double acc = s.get("test_accuracy").getAsDouble();
        assertTrue(acc > 0.4, "k-NN accuracy " + acc + " is not well above chance (0.1)");
        assertTrue(acc <= 1.0);
        assertTrue(Files.size(Path.of(s.get("onnx_path").getAsString())) > 10_000);
        assertTrue(Files.exists(out.resolve("metrics.jsonl")) && Files.exists(out.resolve("checkpoints/last.ckpt")));
        assertTrue(o.out().contains("accuracy"), o.out());
    }
}
