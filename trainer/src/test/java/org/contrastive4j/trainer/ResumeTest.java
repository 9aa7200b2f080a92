package org.contrastive4j.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.contrastive4j.models.ModelCheckpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run interrupted mid-epoch (after a step checkpoint, so the steps after it are lost as in a kill) and resumed ends
 * with exactly the weights, optimizer state and BN statistics of an uninterrupted run.
 */
class ResumeTest {

    static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());

    static TrainConfig config(Path out, String optimizer) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("data", "fashion-mnist-subset");
        c.put("max_train_samples", 200);
        c.put("max_test_samples", 100);
        c.put("batch_size", 40);
        c.put("samples_per_class", 4);
        c.put("epochs", 2);
        c.put("checkpoint_every_steps", 3);
        c.put("eval_every", 0);
        c.put("export", false);
        c.put("report", false);
        c.put("loss", "sincere");
        c.put("optimizer", optimizer);
        c.put("lr", optimizer.equals("adamw") ? 0.003 : 0.05);
        c.put("loader_threads", 2);
        c.put("out", out.toString());
        return TrainOptions.DEFAULTS.with(c);
    }

    static Map<String, float[]> weights(Path checkpoint) throws Exception {
        Map<String, float[]> w = new LinkedHashMap<>();
        try (NDManager m = NDManager.newBaseManager()) {
            ModelCheckpoint.Loaded l = ModelCheckpoint.load(checkpoint, m);
            for (Pair<String, Parameter> p : l.block().getParameters()) {
                w.put(p.getKey(), p.getValue().getArray().toFloatArray());
            }
        }
        return w;
    }

    static final class Interrupt extends RuntimeException {
        Interrupt() {
            super("simulated kill");
        }
    }

    private long killStep;

    void resumeMatches(Path dir, String optimizer) throws Exception {
        Path a = dir.resolve("uninterrupted");
        try (TrainingSession s = TrainingSession.start(config(a, optimizer), QUIET)) {
            s.run();
        }
        Path b = dir.resolve("interrupted");
        long spe;
        try (TrainingSession s = TrainingSession.start(config(b, optimizer), QUIET)) {
            spe = s.totalSteps() / 2;
            // Mid-epoch 2 and not on a checkpoint step: the steps since the last checkpoint are lost, as in a kill.
            long candidate = spe + 2;
            while (candidate % 3 == 0) {
                candidate++;
            }
            long killAt = candidate;
            killStep = killAt;
            s.setListener(step -> {
                if (step == killAt) {
                    throw new Interrupt();
                }
            });
            assertThrows(Interrupt.class, s::run);
        }
        try (TrainingSession s = TrainingSession.resume(b, QUIET)) {
            assertTrue(s.globalStep() < killStep && s.globalStep() > spe, "resumed at " + s.globalStep());
            s.run();
            assertEquals(2 * spe, s.globalStep());
        }
        Map<String, float[]> wa = weights(a.resolve("checkpoints/last.ckpt"));
        Map<String, float[]> wb = weights(b.resolve("checkpoints/last.ckpt"));
        assertEquals(wa.keySet(), wb.keySet());
        for (String k : wa.keySet()) {
            assertArrayEquals(wa.get(k), wb.get(k), "parameter " + k + " differs after resume");
        }
        List<String> la = Files.readAllLines(a.resolve("metrics.jsonl"));
        List<String> lb = Files.readAllLines(b.resolve("metrics.jsonl"));
        assertEquals(la.size(), lb.size(), "metrics.jsonl should read as one run");
        // the interrupted epoch's train_loss averages all its steps, including those before the resume
        assertEquals(epochValues(a, "train_loss"), epochValues(b, "train_loss"));
        assertEquals(2, epochValues(b, "train_loss").size());
    }

    /** One field of every epoch line of a run's metrics.jsonl, in order. */
    static List<Double> epochValues(Path run, String field) throws Exception {
        List<Double> values = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            JsonObject o = JsonParser.parseString(line).getAsJsonObject();
            if (o.get("type").getAsString().equals("epoch")) {
                values.add(o.has(field) ? o.get(field).getAsDouble() : Double.NaN);
            }
        }
        return values;
    }

    @Test
    void aKillDuringTheEpochEvaluationResumesByFinishingItNotByRepeatingTheEpoch(@TempDir Path dir) throws Exception {
        Map<String, Object> evaluating = Map.of("eval_every", 1, "max_test_samples", 50);
        Path a = dir.resolve("uninterrupted");
        try (TrainingSession s = TrainingSession.start(config(a, "sgd").with(evaluating), QUIET)) {
            s.run();
        }
        Path b = dir.resolve("killed");
        long spe;
        try (TrainingSession s = TrainingSession.start(config(b, "sgd").with(evaluating), QUIET)) {
            spe = s.totalSteps() / 2;
            // the listener runs after the epoch-end checkpoint and before that epoch's evaluation
            s.setListener(step -> {
                if (step == spe) {
                    throw new Interrupt();
                }
            });
            assertThrows(Interrupt.class, s::run);
        }
        assertEquals(List.of(), epochValues(b, "train_loss"), "killed before epoch 1 was logged");
        try (TrainingSession s = TrainingSession.resume(b, QUIET)) {
            assertEquals(spe, s.globalStep(), "resumes after epoch 1, not at its start");
            s.run();
        }
        assertEquals(epochValues(a, "train_loss"), epochValues(b, "train_loss"));
        assertEquals(epochValues(a, "knn_acc"), epochValues(b, "knn_acc"));
        assertTrue(epochValues(b, "knn_acc").stream().allMatch(v -> v > 0), "both epochs were evaluated");
        Map<String, float[]> wa = weights(a.resolve("checkpoints/last.ckpt"));
        Map<String, float[]> wb = weights(b.resolve("checkpoints/last.ckpt"));
        for (String k : wa.keySet()) {
            assertArrayEquals(wa.get(k), wb.get(k), "parameter " + k);
        }
    }

    @Test
    void sgdRunKilledMidEpochResumesToIdenticalWeights(@TempDir Path dir) throws Exception {
        resumeMatches(dir, "sgd");
    }

    @Test
    void adamWRunKilledMidEpochResumesToIdenticalWeights(@TempDir Path dir) throws Exception {
        resumeMatches(dir, "adamw");
    }
}
