package org.contrastive4j.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import org.contrastive4j.core.contract.EvalField;
import org.contrastive4j.core.contract.MetadataKeys;
import org.contrastive4j.core.contract.SummaryField;
import org.contrastive4j.core.data.DataSources;
import org.contrastive4j.core.data.FashionMnist;
import org.contrastive4j.core.data.LoadOptions;
import org.contrastive4j.core.data.Samples;
import org.contrastive4j.core.eval.Metrics;
import org.contrastive4j.inference.Embedder;
import org.contrastive4j.inference.EmbedderOptions;
import org.contrastive4j.trainer.cli.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One small run through the library entry point ({@link Trainer#train}), checked as a user deploying it would: the
 * split it measured is recorded in every file and printed beside every accuracy, the raw-pixel baseline sits beside
 * the trained accuracy, and {@code model.onnx} alone classifies new PNG files with the run's linear probe.
 */
class DeployableRunTest {

    @TempDir
    Path dir;

    @Test
    void aRunRecordsItsSplitAndBaselineAndItsModelClassifiesAlone() throws Exception {
        Path runDir = dir.resolve("run");
        Map<String, Object> keys = new LinkedHashMap<>();
        keys.put("data", "fashion-mnist-subset");
        keys.put("max_train_samples", 400);
        keys.put("max_test_samples", 200);
        keys.put("epochs", 2);
        keys.put("batch_size", 100);
        keys.put("temperature", 0.2);
        keys.put("eval_every", 0);
        keys.put("out", runDir.toString());
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8);
        Trainer.TrainedRun run = Trainer.train(TrainConfig.of(keys), out, out, false);
        String printed = log.toString(StandardCharsets.UTF_8);

        // the split, everywhere
        String split = "test (t10k-images-idx3-ubyte.gz)"; // the committed subset's test file, named
        assertEquals(split, run.evalSplit());
        JsonObject config = JsonParser.parseString(Files.readString(runDir.resolve("config.json"))).getAsJsonObject();
        assertEquals(split, config.get("eval_split").getAsString());
        assertEquals("0.2", config.getAsJsonObject("loss_params").get("temperature").getAsString());
        JsonObject report = JsonParser.parseString(Files.readString(runDir.resolve("report/report.json"))).getAsJsonObject();
        assertEquals(split, report.get("eval_split").getAsString());
        for (String line : printed.lines().toList()) {
            if (line.contains("5-NN 0.") || line.contains("linear probe 0.")) {
                assertTrue(line.contains(" on test"), "an accuracy without its split: " + line);
            }
        }

        // the baseline beside the trained accuracy
        assertTrue(run.summary().has(SummaryField.BASELINE_KNN_ACC), run.summary().asMap().toString());
        double baseline = run.summary().number(SummaryField.BASELINE_KNN_ACC);
        assertTrue(baseline > 0.5 && baseline <= 1, "raw pixels of Fashion-MNIST classify far above chance: " + baseline);
        assertEquals(200, (int) run.summary().number(SummaryField.BASELINE_QUERIES));
        assertTrue(printed.contains(String.format(Locale.ROOT, "(raw-pixel baseline %.4f)", baseline)), printed);
        assertTrue(Files.readString(runDir.resolve("report/index.html")).contains("raw-pixel baseline"));

        // model.onnx alone: metadata, the probe head, the default output for similarity
        Path model = run.model().orElseThrow();
        Samples test = DataSources.load(FashionMnist.subsetDir(), LoadOptions.builder().split("test").build()).head(200);
        try (Embedder e = Embedder.open(model, EmbedderOptions.defaults())) {
            Map<String, String> meta = e.info().metadata();
            assertEquals(split, meta.get(MetadataKeys.EVAL_SPLIT));
            assertEquals("embedding_centered", meta.get(MetadataKeys.DEFAULT_OUTPUT));
            assertEquals("embedding_centered", e.info().outputName());
            assertTrue(meta.get(MetadataKeys.CLASSIFIER_HEAD).contains("linear probe"), meta.get(MetadataKeys.CLASSIFIER_HEAD));
            float[][] p = e.output("probabilities", test);
            int[] predicted = new int[p.length];
            for (int i = 0; i < p.length; i++) {
                for (int c = 1; c < p[i].length; c++) {
                    predicted[i] = p[i][c] > p[i][predicted[i]] ? c : predicted[i];
                }
            }
            // ONNX Runtime's head classifies the test split exactly as the run's LinearProbe did
            assertEquals(1.0, run.summary().number(SummaryField.ONNX_PROBE_AGREEMENT));
            assertTrue(run.summary().number(SummaryField.ONNX_PROBE_MAX_ABS_DIFF) < 1e-4);
            assertEquals(run.summary().number(EvalField.LINEAR_PROBE_ACC), Metrics.accuracy(predicted, test.labels()), 1e-12);

            // new images as PNG files: classify --model model.onnx (no index) gives the same classes
            Path images = dir.resolve("new-images");
            Path files = Files.createDirectories(images.resolve("new"));
            for (int i = 0; i < 12; i++) {
                float[] px = new float[28 * 28];
                test.read(i, px, 0);
                BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
                for (int y = 0; y < 28; y++) {
                    for (int x = 0; x < 28; x++) {
                        int v = Math.round(px[y * 28 + x] * 255);
                        img.getRaster().setSample(x, y, 0, v);
                    }
                }
                ImageIO.write(img, "png", files.resolve(String.format("img-%02d.png", i)).toFile());
            }
            Path preds = dir.resolve("preds.jsonl");
            CliRun.Outcome o = CliRun.run("classify", "--model", model.toString(), "--input", images.toString(),
                    "--output", preds.toString());
            assertEquals(0, o.code(), o.err());
            List<String> lines = Files.readAllLines(preds);
            assertEquals(12, lines.size());
            for (String line : lines) {
                JsonObject pred = JsonParser.parseString(line).getAsJsonObject();
                int i = Integer.parseInt(pred.get("id").getAsString().replaceAll("\\D", ""));
                assertEquals(predicted[i], pred.get("label").getAsInt(), line);
            }
        }
    }
}
