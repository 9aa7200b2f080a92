package org.contrastive4j.core.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SummaryAndMetricsTest {

    @TempDir
    Path tmp;

    @Test
    void summaryRoundTripsInOrder() throws IOException {
        Path file = tmp.resolve("summary.json");
        new Summary().put(SummaryField.DATASET, "d").put(EvalField.KNN_ACC, 0.5).put(SummaryField.LOSS_PARAMS, Map.of("t", 0.1))
                .write(file);
        String text = Files.readString(file);
        assertTrue(text.indexOf("\"dataset\"") < text.indexOf("\"knn_acc\""), text);
        Summary back = Summary.read(file);
        assertEquals(0.5, back.number(EvalField.KNN_ACC));
        assertEquals("d", back.text(SummaryField.DATASET).orElseThrow());
        assertTrue(Double.isNaN(back.number(SummaryField.SECONDS)));
        assertEquals(List.of("dataset", "knn_acc", "loss_params"), List.copyOf(back.asMap().keySet()));
    }

    @Test
    void summaryThatIsNotAnObjectNamesTheFile() throws IOException {
        Path file = tmp.resolve("s.json");
        Files.writeString(file, "[1, 2]");
        IOException e = assertThrows(IOException.class, () -> Summary.read(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }

    @Test
    void metricsWrittenLinesReadBackAndResumeDropsLaterSteps() throws IOException {
        Path file = tmp.resolve("metrics.jsonl");
        try (MetricsLog.Writer w = MetricsLog.Writer.create(file)) {
            for (int step = 1; step <= 4; step++) {
                w.write(MetricsLog.Line.of(MetricsLog.Kind.STEP).put(MetricsField.GLOBAL_STEP, step).put(MetricsField.LOSS, 10.0 - step));
            }
            w.write(MetricsLog.Line.of(MetricsLog.Kind.EPOCH).put(MetricsField.EPOCH, 1).put(MetricsField.GLOBAL_STEP, 4)
                    .put(EvalField.NN1_ACC, 0.25));
        }
        assertEquals("{\"type\":\"step\",\"global_step\":1,\"loss\":9.0}", Files.readAllLines(file).get(0));
        try (MetricsLog.Writer w = MetricsLog.Writer.resume(file, 2)) {
            w.write(MetricsLog.Line.of(MetricsLog.Kind.STEP).put(MetricsField.GLOBAL_STEP, 3).put(MetricsField.LOSS, 1.0));
        }
        MetricsLog log = MetricsLog.read(file);
        assertEquals(3, log.stepCount());
        assertEquals(0, log.epochCount());
        assertEquals(1.0, log.stepSeries(MetricsField.LOSS).y()[2]);
    }
}
