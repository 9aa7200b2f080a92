package org.contrastive4j.losses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.DataType;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class NumericsTest {

    static Stream<Batches.Config> configs() {
        return Batches.configs().stream();
    }

    private static void assertFinite(Batches.Result r, String what) {
        assertTrue(Double.isFinite(r.loss()), what + ": loss " + r.loss());
        assertTrue(Arrays.stream(r.grad()).allMatch(Double::isFinite), what + ": gradient has NaN/Inf");
    }

    /** Every loss at a small temperature, with large-norm rows, in float32 and float64. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void finiteAtLowTemperatureAndLargeNorms(Batches.Config config) {
        Random rnd = new Random(3);
        int n = 16;
        int dim = 8;
        int rows = n * config.views();
        long[] labels = Batches.labels(rnd, n, 4);
        double[] x = Batches.clustered(rnd, labels, config.views(), dim, 0.3, 0.1);
        for (DataType dt : List.of(DataType.FLOAT32, DataType.FLOAT64)) {
            ContrastiveLoss cold = cold(config);
            assertFinite(Batches.evaluate(cold, x, rows, dim, labels, config.views(), dt), cold.params() + " " + dt);
            double[] big = Arrays.stream(x).map(v -> v * 1e3).toArray();
            ContrastiveLoss raw = unnormalized(config);
            assertFinite(Batches.evaluate(raw, big, rows, dim, labels, config.views(), dt), raw.params() + " " + dt);
        }
    }

    /** The loss with τ = 0.01 wherever it has a temperature. */
    private static ContrastiveLoss cold(Batches.Config c) {
        Map<String, String> p = new HashMap<>(c.params());
        boolean schedule = "dystress".equals(p.get("temperature-schedule")) || c.name().equals("dystress");
        List<String> names = LossRegistry.parameters(c.name()).stream().map(LossParameter::name).toList();
        if (schedule) {
            p.put("tau-min", "0.01");
            p.put("tau-max", "0.02");
        } else if (names.contains("temperature")) {
            p.put("temperature", "0.01");
            p.remove("base-temperature");
        } else if (c.name().equals("mio")) {
            p.put("tau-pos", "0.01");
            p.put("tau-neg", "0.01");
        } else {
            p.put("tau-pos", "100");
            p.put("tau-neg", "100");
        }
        return LossRegistry.create(c.name(), p);
    }

    private static ContrastiveLoss unnormalized(Batches.Config c) {
        Map<String, String> p = new HashMap<>(c.params());
        p.put("normalize", "false");
        return LossRegistry.create(c.name(), p);
    }

    @Test
    void anchorsWithoutPositivesContributeZeroAndCount() {
        Random rnd = new Random(5);
        int dim = 6;
        // Single view, every label distinct except samples 0 and 1: only rows 0 and 1 have a positive.
        long[] labels = {4, 4, 0, 1, 2, 3};
        double[] x = Batches.gaussian(rnd, labels.length * dim, 1);
        for (String name : List.of("supcon", "sincere")) {
            ContrastiveLoss loss = LossRegistry.create(name, Map.of("temperature", "0.1"));
            for (DataType dt : List.of(DataType.FLOAT32, DataType.FLOAT64)) {
                Batches.Result r = Batches.evaluate(loss, x, 6, dim, labels, 1, dt);
                assertFinite(r, name);
                // Rows 2..5 still feel gradients as negatives, but only as denominators of rows 0 and 1.
                assertTrue(r.loss() > 0, name + " loss " + r.loss());
            }
            long[] noPositives = {0, 1, 2, 3, 4, 5};
            Batches.Result none = Batches.evaluate(loss, x, 6, dim, noPositives, 1, DataType.FLOAT64);
            assertEquals(0, none.loss(), 0);
            assertTrue(Arrays.stream(none.grad()).allMatch(g -> g == 0), name + ": gradient without positives");
        }
    }

    @Test
    void oneClassBatchGivesZeroSincereLossAndFiniteSupCon() {
        Random rnd = new Random(9);
        int n = 8;
        int dim = 5;
        long[] labels = new long[n];
        double[] x = Batches.gaussian(rnd, 2 * n * dim, 1);
        for (DataType dt : List.of(DataType.FLOAT32, DataType.FLOAT64)) {
            for (String t : List.of("0.01", "0.5")) {
                Batches.Result sincere = Batches.evaluate(LossRegistry.create("sincere", Map.of("temperature", t)), x,
                        2 * n, dim, labels, 2, dt);
                assertEquals(0, sincere.loss(), 0);
                assertTrue(Arrays.stream(sincere.grad()).allMatch(g -> g == 0));
                Batches.Result supcon = Batches.evaluate(LossRegistry.create("supcon", Map.of("temperature", t)), x,
                        2 * n, dim, labels, 2, dt);
                assertFinite(supcon, "supcon one class");
                assertTrue(supcon.loss() > 0);
            }
        }
    }
}
