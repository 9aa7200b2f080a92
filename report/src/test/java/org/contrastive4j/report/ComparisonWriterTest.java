package org.contrastive4j.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.contrastive4j.core.contract.EvalField;
import org.contrastive4j.core.contract.MetricsField;
import org.contrastive4j.core.contract.MetricsLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComparisonWriterTest {

    @TempDir
    Path dir;

    @Test
    void tableHasOneRowPerLossWithItsNumbersAndPlotsExist() throws Exception {
        Path sincereLog = dir.resolve("sincere.jsonl");
        Path supconLog = dir.resolve("supcon.jsonl");
        SyntheticRun.writeMetrics(sincereLog, 1, 4, 10, 3.0, 0.0);
        SyntheticRun.writeMetrics(supconLog, 2, 4, 10, 3.5, 1.0);
        Path reportDir = dir.resolve("runs").resolve("sincere").resolve("report");
        Files.createDirectories(reportDir);
        Files.writeString(reportDir.resolve(ReportWriter.INDEX), "<html></html>");
        List<RunResult> runs = List.of(
                new RunResult("sincere", Map.of("nn1_acc", 0.9123, "knn_acc", 0.9101, "linear_probe_acc", 0.9234,
                        "median_target", 0.8512, "median_noise", 0.6123, "median_gap", 0.2389,
                        "repulsion_mean", 0.0, "repulsion_fraction", 0.0, "seconds", 812.44), sincereLog, reportDir),
                new RunResult("supcon", Map.of("nn1_acc", 0.8977, "median_gap", 0.1911, "seconds", 790.0),
                        supconLog, null),
                new RunResult("infonce", Map.of("nn1_acc", 0.8512), null, null));
        Path out = dir.resolve("compare");
        List<Path> written = ComparisonWriter.write(out, runs);

        String md = Files.readString(out.resolve(ComparisonWriter.MARKDOWN));
        List<String> rows = md.lines().toList();
        assertEquals(2 + 3, rows.size(), md);
        assertTrue(rows.get(2).startsWith("| sincere | 0.9123 | 0.9101 | 0.9234 | 0.851 | 0.612 | 0.239 | 0.00e+00 | 0.000 "
                + "| 812.4 | [report](../runs/sincere/report/index.html) |"), rows.get(2));
        assertTrue(rows.get(3).startsWith("| supcon | 0.8977 | n/a |"), rows.get(3));
        assertTrue(rows.get(3).contains("| 0.191 |") && rows.get(3).contains("| 790.0 |"), rows.get(3));
        assertTrue(rows.get(4).startsWith("| infonce | 0.8512 |"), rows.get(4));
        // every row has as many cells as the header
        long headerCells = rows.get(0).chars().filter(ch -> ch == '|').count();
        for (String row : rows) {
            assertEquals(headerCells, row.chars().filter(ch -> ch == '|').count(), row);
        }

        for (String png : List.of(ComparisonWriter.ACCURACY, ComparisonWriter.SIMILARITY, ComparisonWriter.REPULSION,
                ComparisonWriter.REPULSION_FRACTION, ComparisonWriter.LOSS, ComparisonWriter.TIME)) {
            assertTrue(written.contains(out.resolve(png)), png + " not written");
            PngAssert.png(out.resolve(png), PngAssert.CHART_WIDTH, PngAssert.CHART_HEIGHT);
        }
        List<String> links = PngAssert.checkLinks(out.resolve(ComparisonWriter.HTML));
        assertTrue(links.contains("../runs/sincere/report/index.html"));
        String html = Files.readString(out.resolve(ComparisonWriter.HTML));
        assertTrue(html.contains("<b>0.9123</b>"), "best 1-NN accuracy not highlighted");
        assertFalse(html.contains("<b>0.8977</b>"));
        assertTrue(Files.readString(out.resolve(ComparisonWriter.JSON)).contains("\"median_gap\": 0.2389"));
    }

    @Test
    void rejectsEmptyAndDuplicateRuns() {
        assertThrows(IllegalArgumentException.class, () -> ComparisonWriter.write(dir, List.of()));
        RunResult a = new RunResult("sincere", Map.of(), null, null);
        assertThrows(IllegalArgumentException.class, () -> ComparisonWriter.write(dir, List.of(a, a)));
    }

    @Test
    void runsWithoutLogsOrTimesSkipThoseCharts() throws Exception {
        ComparisonWriter.write(dir, List.of(new RunResult("a", Map.of("nn1_acc", 0.5), null, null),
                new RunResult("b", Map.of("nn1_acc", 0.6), null, null)));
        assertTrue(Files.exists(dir.resolve(ComparisonWriter.ACCURACY)));
        assertFalse(Files.exists(dir.resolve(ComparisonWriter.REPULSION)));
        assertFalse(Files.exists(dir.resolve(ComparisonWriter.TIME)));
        PngAssert.checkLinks(dir.resolve(ComparisonWriter.HTML));
    }

    @Test
    void runResultFromRunDirReadsReportAndMetrics() throws Exception {
        Path run = dir.resolve("run");
        SyntheticRun data = SyntheticRun.generate(9, 3, 30, 10, 8, 1.0);
        Files.createDirectories(run);
        SyntheticRun.writeMetrics(run.resolve("metrics.jsonl"), 3, 3, 5, 3.0, 1.0);
        ReportWriter.Written w = ReportWriter.write(run.resolve("report"), ReportInputs.builder().runName("r")
                .classNames(SyntheticRun.classNames(3)).train(data.train, data.trainLabels)
                .test(data.test, data.testLabels).accuracy("nn1_acc", 0.75).build());
        RunResult r = RunResult.fromRunDir("supcon", run);
        assertEquals("supcon", r.loss());
        assertEquals(0.75, r.metric("nn1_acc")); // the report's final number wins over the log's last epoch
        assertEquals(w.diagnostics().medianGap(), r.metric("median_gap"), 1e-12);
        MetricsLog log = MetricsLog.read(run.resolve("metrics.jsonl"));
        assertEquals(log.lastEpochValue(MetricsField.REPULSION_MEAN), r.metric("repulsion_mean"));
        assertEquals(log.lastEpochValue(EvalField.KNN_ACC), r.metric("knn_acc"));
        assertEquals(log.lastEpochValue(MetricsField.TIME_S), r.metric("seconds"));
        assertEquals(run.resolve("report"), r.reportDir());
        Files.writeString(run.resolve("summary.json"), "{\"seconds\": 123.5, \"loss\": \"supcon\"}");
        assertEquals(123.5, RunResult.fromRunDir("supcon", run).metric("seconds"));
        assertThrows(IOException.class, () -> RunResult.fromRunDir("x", dir.resolve("empty")));
    }
}
