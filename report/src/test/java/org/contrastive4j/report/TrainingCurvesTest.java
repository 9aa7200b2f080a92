package org.contrastive4j.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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

class TrainingCurvesTest {

    @TempDir
    Path dir;

    @Test
    void writesAllChartsForAFullLog() throws Exception {
        Path metrics = dir.resolve("metrics.jsonl");
        SyntheticRun.writeMetrics(metrics, 1, 5, 20, 3.0, 1.0);
        Map<String, Path> written = TrainingCurves.write(metrics, dir.resolve("out"));
        assertEquals(List.of(TrainingCurves.LOSS, TrainingCurves.LR, TrainingCurves.EVAL, TrainingCurves.REPULSION),
                List.copyOf(written.keySet()));
        for (Path p : written.values()) {
            PngAssert.png(p, PngAssert.CHART_WIDTH, PngAssert.CHART_HEIGHT);
        }
    }

    @Test
    void skipsMissingSeries() throws Exception {
        Path metrics = dir.resolve("metrics.jsonl");
        Files.writeString(metrics, """
                {"type":"step","epoch":1,"step":0,"global_step":1,"loss":5.0,"lr":0.1}
                {"type":"step","epoch":1,"step":1,"global_step":2,"loss":4.0,"lr":0.1}
                {"type":"epoch","epoch":1,"global_step":2,"train_loss":4.5,"time_s":1.0}
                """);
        Map<String, Path> written = TrainingCurves.write(metrics, dir.resolve("out"));
        assertEquals(List.of(TrainingCurves.LOSS, TrainingCurves.LR), List.copyOf(written.keySet()));
        assertTrue(!Files.exists(dir.resolve("out").resolve(TrainingCurves.REPULSION)));

        Path empty = dir.resolve("empty.jsonl");
        Files.writeString(empty, "");
        assertTrue(TrainingCurves.write(empty, dir.resolve("out2")).isEmpty());
        assertThrows(IOException.class, () -> TrainingCurves.write(dir.resolve("missing.jsonl"), dir));
    }

    @Test
    void metricsLogParsesSeriesSkipsBadLinesAndKeepsLastValueOfARepeatedStep() throws Exception {
        Path metrics = dir.resolve("metrics.jsonl");
        Files.writeString(metrics, """
                {"type":"step","epoch":1,"step":0,"global_step":1,"loss":5.0,"lr":0.1}
                not json
                [1,2]
                {"type":"step","epoch":1,"step":1,"global_step":2,"loss":4.0,"lr":0.2}
                {"type":"step","epoch":1,"step":2,"global_step":3,"loss":3.5,"lr":0.3}
                {"type":"epoch","epoch":1,"global_step":3,"nn1_acc":0.5,"repulsion_mean":0.02,"note":"x"}
                {"type":"step","epoch":2,"step":0,"global_step":3,"loss":3.0,"lr":0.3}
                {"type":"epoch","epoch":2,"global_step":4,"nn1_acc":0.7}
                {"type":"step","epoch":2,"step":1,"global_
                """);
        MetricsLog log = MetricsLog.read(metrics);
        assertEquals(4, log.stepCount());
        assertEquals(2, log.epochCount());
        MetricsLog.Series loss = log.stepSeries(MetricsField.LOSS);
        assertArrayEquals(new double[] {1, 2, 3}, loss.x());
        assertArrayEquals(new double[] {5.0, 4.0, 3.0}, loss.y()); // step 3 was re-logged after a resume
        assertArrayEquals(new double[] {0.5, 0.7}, log.epochSeries(EvalField.NN1_ACC).y());
        assertEquals(0.02, log.epochSeries(MetricsField.REPULSION_MEAN).y()[0]);
        assertEquals(0.02, log.lastEpochValue(MetricsField.REPULSION_MEAN));
        assertTrue(Double.isNaN(log.lastEpochValue(EvalField.LINEAR_PROBE_ACC)));
        assertTrue(log.stepSeries(MetricsField.IMG_PER_S).isEmpty());
    }

    @Test
    void smoothingIsBiasCorrected() {
        double[] s = Stats.ema(new double[] {10, 10, 10, Double.NaN, 10}, 0.9);
        assertEquals(10.0, s[0], 1e-12); // not dragged towards zero at the start
        assertEquals(10.0, s[2], 1e-12);
        assertTrue(Double.isNaN(s[3]));
        assertEquals(10.0, s[4], 1e-12);
        double[] step = Stats.ema(new double[] {0, 0, 10}, 0.5);
        assertEquals(10 * 0.5 / (1 - 0.125), step[2], 1e-12);
    }
}
