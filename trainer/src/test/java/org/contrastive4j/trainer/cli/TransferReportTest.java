package org.contrastive4j.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tiny run of the transfer protocol (pretrain on classes 0-4, evaluate on unseen classes 5-9) through {@code train}:
 * the report exists with the run's numbers, its images are linked relatively, the repulsion meter is logged per
 * epoch, and the ONNX Runtime path gives the same transfer accuracy as the DJL path.
 */
class TransferReportTest {

    @Test
    void transferRunWritesReportAndOnnxAgreesWithDjl(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        CliRun.Outcome o = CliRun.run("train", "--data", "fashion-mnist-subset", "--out", run.toString(),
                "--pretrain-classes", "0-4", "--transfer-classes", "5-9", "--loss", "sincere", "--epochs", "2",
                "--batch-size", "50", "--max-train-samples", "600", "--max-test-samples", "500", "--seed", "7");
        assertEquals(0, o.code(), o.err() + o.out());
        JsonObject s = JsonParser.parseString(Files.readString(run.resolve("summary.json"))).getAsJsonObject();
        int n = s.get("test_size").getAsInt();
        assertTrue(n > 0 && n <= 500);
        // Same embeddings up to float rounding: the accuracies may differ by at most one borderline sample.
        for (String k : new String[] {"knn_acc", "linear_probe_acc", "nn1_acc"}) {
            double djl = s.get(k).getAsDouble();
            double onnx = s.get("onnx_" + k).getAsDouble();
            assertTrue(Math.abs(djl - onnx) <= 1.0 / n + 1e-12, k + ": DJL " + djl + " vs ONNX " + onnx);
        }
        assertTrue(s.get("onnx_vs_djl_embeddings_max_abs_diff").getAsDouble() <= 1e-5);
        assertTrue(s.get("knn_acc").getAsDouble() > 0.4, "transfer k-NN on 5 unseen classes (chance 0.2): " + s.get("knn_acc"));

        Path report = run.resolve("report");
        JsonObject r = JsonParser.parseString(Files.readString(report.resolve("report.json"))).getAsJsonObject();
        String json = r.toString();
        assertTrue(json.contains("median_target") || json.contains("medianTarget"), json);
        String html = Files.readString(report.resolve("index.html"));
        Matcher m = Pattern.compile("src=\"([^\"]+)\"").matcher(html);
        int images = 0;
        while (m.find()) {
            String src = m.group(1);
            assertTrue(!src.contains("/") && !src.contains(":"), "image link must be relative: " + src);
            assertTrue(Files.isRegularFile(report.resolve(src)), "missing " + src);
            images++;
        }
        assertTrue(images >= 4, "report shows " + images + " images");
        assertTrue(html.contains(String.format(Locale.ROOT, "%.3f", s.get("knn_acc").getAsDouble()))
                || html.contains(String.format(Locale.ROOT, "%.1f", 100 * s.get("knn_acc").getAsDouble())),
                "report should show the k-NN accuracy " + s.get("knn_acc"));

        long epochsWithRepulsion = Files.readAllLines(run.resolve("metrics.jsonl")).stream()
                .filter(l -> l.contains("\"type\":\"epoch\"") && l.contains("repulsion_fraction")).count();
        assertEquals(2, epochsWithRepulsion);
        assertTrue(Files.isRegularFile(run.resolve("loss.png")) && Files.isRegularFile(run.resolve("model.onnx")));
    }
}
