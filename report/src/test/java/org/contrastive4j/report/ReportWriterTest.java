package org.contrastive4j.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWriterTest {

    @TempDir
    Path dir;

    private static ReportInputs.Builder inputs(SyntheticRun data, int classes) {
        return ReportInputs.builder()
                .runName("tiny-run")
                .classNames(SyntheticRun.classNames(classes))
                .train(data.train, data.trainLabels)
                .test(data.test, data.testLabels)
                .accuracy("nn1_acc", 0.8125)
                .accuracy("linear_probe_acc", 0.84375)
                .config(Map.of("loss", "sincere", "seed", 42))
                .config("temperature", 0.1)
                .summary("wall_time_s", 12.5);
    }

    @Test
    void writesPageJsonAndImagesWithTheDiagnosticNumbers() throws Exception {
        SyntheticRun data = SyntheticRun.generate(3, 4, 60, 15, 16, 1.5);
        Path metrics = dir.resolve("metrics.jsonl");
        SyntheticRun.writeMetrics(metrics, 2, 3, 10, 3.0, 1.0);
        int[][] confusion = {{14, 1, 0, 0}, {0, 15, 0, 0}, {2, 0, 13, 0}, {0, 0, 0, 15}};
        Path report = dir.resolve("run").resolve("report");
        ReportWriter.Written w = ReportWriter.write(report,
                inputs(data, 4).metricsJsonl(metrics).confusionMatrix(confusion, "linear probe").build());

        EmbeddingDiagnostics expected = EmbeddingDiagnostics.compute(data.train, data.trainLabels, data.test,
                data.testLabels, 4, 1);
        JsonObject json = JsonParser.parseString(Files.readString(report.resolve(ReportWriter.JSON)))
                .getAsJsonObject();
        assertEquals("tiny-run", json.get("run").getAsString());
        assertEquals(0.8125, json.getAsJsonObject("accuracies").get("nn1_acc").getAsDouble());
        assertEquals(0.84375, json.getAsJsonObject("accuracies").get("linear_probe_acc").getAsDouble());
        assertEquals(expected.medianTarget(), json.get("median_target").getAsDouble(), 1e-9);
        assertEquals(expected.medianNoise(), json.get("median_noise").getAsDouble(), 1e-9);
        assertEquals(expected.medianGap(), json.get("median_gap").getAsDouble(), 1e-9);
        assertEquals(expected.nn1Accuracy(), json.get("nn1_from_similarity").getAsDouble(), 1e-12);
        JsonArray perClass = json.getAsJsonArray("per_class");
        assertEquals(4, perClass.size());
        for (int c = 0; c < 4; c++) {
            JsonObject pc = perClass.get(c).getAsJsonObject();
            assertEquals(SyntheticRun.FASHION.get(c), pc.get("name").getAsString());
            assertEquals(15, pc.get("test_samples").getAsInt());
            assertEquals(expected.classMedianTarget()[c], pc.get("median_target").getAsDouble(), 1e-9);
            assertEquals(expected.classMedianNoise()[c], pc.get("median_noise").getAsDouble(), 1e-9);
        }
        assertEquals(13 / 15.0, perClass.get(2).getAsJsonObject().get("recall").getAsDouble(), 1e-12);
        assertEquals("linear probe", json.getAsJsonObject("confusion_matrix").get("source").getAsString());
        assertEquals(2, json.getAsJsonObject("confusion_matrix").getAsJsonArray("counts").get(2).getAsJsonArray()
                .get(0).getAsInt());
        assertTrue(json.get("last_repulsion_mean").getAsDouble() > 0);
        assertEquals(42, json.getAsJsonObject("config").get("seed").getAsInt());

        Path index = report.resolve(ReportWriter.INDEX);
        List<String> links = PngAssert.checkLinks(index);
        assertEquals(new HashSet<>(w.images()), new HashSet<>(links));
        for (String img : List.of(ReportWriter.SIMILARITY, ReportWriter.SIMILARITY_PER_CLASS, ReportWriter.CONFUSION,
                ReportWriter.PCA, TrainingCurves.LOSS, TrainingCurves.LR, TrainingCurves.EVAL,
                TrainingCurves.REPULSION)) {
            assertTrue(links.contains(img), "page does not show " + img);
        }
        PngAssert.png(report.resolve(ReportWriter.SIMILARITY), PngAssert.CHART_WIDTH, PngAssert.CHART_HEIGHT);
        PngAssert.png(report.resolve(ReportWriter.PCA), PngAssert.CHART_WIDTH, PngAssert.CHART_HEIGHT);
        PngAssert.png(report.resolve(ReportWriter.SIMILARITY_PER_CLASS), 4 * 420, 70 + 280);
        String page = Files.readString(index);
        assertTrue(page.contains(String.format(Locale.ROOT, "%.3f", expected.medianGap())), "gap not on page");
        assertTrue(page.contains(String.format(Locale.ROOT, "%.3f", expected.medianTarget())));
        assertTrue(page.contains("81.25%"), "1-NN accuracy not on page");
        assertTrue(page.contains("linear-probe accuracy"));
        assertTrue(page.contains("<td class=\"l\">sincere</td>"), "config table missing");
        assertTrue(page.contains("<td class=\"l\">0.1</td>"), "temperature not shown as 0.1");
        assertTrue(page.contains("<td class=\"l\">12.5</td>"), "wall time not shown as 12.5");

        // the folder is self-contained: copied elsewhere, every link still resolves
        Path copy = dir.resolve("elsewhere");
        Files.createDirectories(copy);
        try (var files = Files.list(report)) {
            for (Path f : files.toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        PngAssert.checkLinks(copy.resolve(ReportWriter.INDEX));
    }

    @Test
    void worksWithoutMetricsOrConfusionMatrix() throws Exception {
        SyntheticRun data = SyntheticRun.generate(4, 3, 30, 10, 8, 1.0);
        Path report = dir.resolve("r");
        ReportWriter.Written w = ReportWriter.write(report,
                inputs(data, 3).metricsJsonl(dir.resolve("does-not-exist.jsonl")).build());
        assertFalse(w.images().contains(TrainingCurves.LOSS));
        JsonObject json = JsonParser.parseString(Files.readString(w.json())).getAsJsonObject();
        assertEquals("cosine 1-NN", json.getAsJsonObject("confusion_matrix").get("source").getAsString());
        // the fallback confusion matrix is the diagnostic's own 1-NN: its trace matches nn1_from_similarity
        JsonArray counts = json.getAsJsonObject("confusion_matrix").getAsJsonArray("counts");
        int diag = 0;
        for (int c = 0; c < 3; c++) {
            diag += counts.get(c).getAsJsonArray().get(c).getAsInt();
        }
        assertEquals(json.get("nn1_from_similarity").getAsDouble(), diag / 30.0, 1e-12);
        PngAssert.checkLinks(w.index());
    }

    @Test
    void missingClassInTrainingGivesNullsNotCrashes() throws Exception {
        float[][] train = {{1, 0, 0}, {0.9f, 0.1f, 0}, {0, 1, 0}, {0.1f, 0.9f, 0}};
        int[] trainLabels = {0, 0, 1, 1};
        float[][] test = {{1, 0.05f, 0}, {0.05f, 1, 0}, {0, 0, 1}};
        int[] testLabels = {0, 1, 2};
        ReportWriter.Written w = ReportWriter.write(dir.resolve("r"), ReportInputs.builder().runName("x")
                .classNames(List.of("a", "b", "c")).train(train, trainLabels).test(test, testLabels).build());
        JsonObject json = JsonParser.parseString(Files.readString(w.json())).getAsJsonObject();
        assertTrue(json.getAsJsonArray("per_class").get(2).getAsJsonObject().get("median_target").isJsonNull());
        assertTrue(json.get("median_target").isJsonPrimitive());
        PngAssert.checkLinks(w.index());
    }

    @Test
    void rejectsInconsistentInputs() {
        SyntheticRun data = SyntheticRun.generate(5, 3, 10, 5, 4, 1.0);
        assertThrows(IllegalArgumentException.class,
                () -> inputs(data, 3).confusionMatrix(new int[2][2], "x").build());
        assertThrows(IllegalArgumentException.class, () -> ReportInputs.builder().classNames(List.of("a"))
                .train(data.train, data.trainLabels).test(data.test, data.testLabels).build());
        // labels beyond the class names are caught by the diagnostics with a clear message
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ReportWriter.write(dir.resolve("bad"), inputs(data, 2).build()));
        assertTrue(e.getMessage().contains("label"), e.getMessage());
    }
}
