package org.contrastive4j.losses;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/** Test inputs and a loss/gradient evaluator shared by the loss tests. */
final class Batches {

    private Batches() {}

    /** One loss configuration under test. */
    record Config(String name, Map<String, String> params, int views) {
        ContrastiveLoss loss() {
            return LossRegistry.create(name, params);
        }

        /** Parameters sorted by name: Map.of iterates in an order that changes from JVM to JVM. */
        @Override
        public String toString() {
            return name + new TreeMap<>(params) + " V=" + views;
        }

        /** A seed that is the same in every JVM (it depends on name, views and the sorted parameters only). */
        long seed() {
            return toString().hashCode();
        }
    }

    /** Every loss, including the DySTreSS schedule plugged into supcon and sincere. */
    static List<Config> configs() {
        return List.of(
                new Config("nt_xent", Map.of("temperature", "0.5"), 3),
                new Config("infonce", Map.of("temperature", "0.2"), 2),
                new Config("supcon", Map.of("temperature", "0.2", "base-temperature", "0.1"), 2),
                new Config("supcon", Map.of("temperature-schedule", "dystress"), 3),
                new Config("sincere", Map.of("temperature", "0.3"), 2),
                new Config("sincere", Map.of("temperature-schedule", "dystress", "tau-min", "0.1", "tau-max", "0.4"), 2),
                new Config("cacr", Map.of(), 3),
                new Config("cacr", Map.of("tau-neg", "2", "normalize", "false"), 2),
                new Config("mio", Map.of("tau-pos", "0.3", "lambda", "0.5"), 2),
                new Config("dystress", Map.of(), 2));
    }

    static double[] gaussian(Random rnd, int count, double scale) {
        double[] x = new double[count];
        for (int i = 0; i < count; i++) {
            x[i] = scale * rnd.nextGaussian();
        }
        return x;
    }

    /**
     * Rows of V views of N samples from C classes: each sample near its class centre, each view near its sample.
     */
    static double[] clustered(Random rnd, long[] labels, int views, int dim, double classSpread, double viewSpread) {
        int n = labels.length;
        double[][] centres = new double[(int) Arrays.stream(labels).max().orElse(0) + 1][];
        for (int c = 0; c < centres.length; c++) {
            centres[c] = gaussian(rnd, dim, 1);
        }
        double[] out = new double[views * n * dim];
        for (int i = 0; i < n; i++) {
            double[] sample = gaussian(rnd, dim, classSpread);
            for (int v = 0; v < views; v++) {
                for (int k = 0; k < dim; k++) {
                    out[(v * n + i) * dim + k] = centres[(int) labels[i]][k] + sample[k] + viewSpread * rnd.nextGaussian();
                }
            }
        }
        return out;
    }

    static long[] labels(Random rnd, int n, int classes) {
        long[] l = new long[n];
        for (int i = 0; i < n; i++) {
            l[i] = rnd.nextInt(classes);
        }
        return l;
    }

    /** Loss and gradient of one evaluation. */
    record Result(double loss, double[] grad) {}

    static Result evaluate(ContrastiveLoss loss, double[] x, int rows, int dim, long[] labels, int views,
            DataType dt) {
        try (NDManager m = NDManager.newBaseManager(null, "PyTorch")) {
            NDArray e = m.create(x, new Shape(rows, dim)).toType(dt, false);
            e.setRequiresGradient(true);
            NDArray l = labels == null ? null : m.create(labels);
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray out = loss.compute(e, l, views);
                gc.backward(out);
                return new Result(out.toType(DataType.FLOAT64, false).getDouble(),
                        e.getGradient().toType(DataType.FLOAT64, false).toDoubleArray());
            }
        }
    }

    static double value(ContrastiveLoss loss, double[] x, int rows, int dim, long[] labels, int views) {
        try (NDManager m = NDManager.newBaseManager(null, "PyTorch")) {
            NDArray l = labels == null ? null : m.create(labels);
            return loss.compute(m.create(x, new Shape(rows, dim)), l, views).getDouble();
        }
    }
}
