package org.contrastive4j.losses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class GradientAndInvarianceTest {

    static Stream<Batches.Config> configs() {
        return Batches.configs().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void autogradMatchesCentralFiniteDifferences(Batches.Config config) {
        Random rnd = new Random(config.seed());
        int n = 4;
        int dim = 4;
        int rows = n * config.views();
        long[] labels = {0, 1, 0, 2};
        double[] x = Batches.gaussian(rnd, rows * dim, 1);
        ContrastiveLoss loss = config.loss();
        double[] grad = Batches.evaluate(loss, x, rows, dim, labels, config.views(), DataType.FLOAT64).grad();
        // DySTreSS stops the gradient through τ: differentiate numerically with τ frozen at the base point.
        ContrastiveLoss numeric = frozenTemperature(loss, x, rows, dim);
        double h = 1e-6;
        double maxErr = 0;
        double maxGrad = 0;
        String worst = "";
        for (int k = 0; k < x.length; k++) {
            double keep = x[k];
            x[k] = keep + h;
            double up = Batches.value(numeric, x, rows, dim, labels, config.views());
            x[k] = keep - h;
            double down = Batches.value(numeric, x, rows, dim, labels, config.views());
            x[k] = keep;
            double err = Math.abs((up - down) / (2 * h) - grad[k]);
            if (err > maxErr) {
                maxErr = err;
                worst = "element " + k + ": finite difference " + (up - down) / (2 * h) + " (up " + up + ", down " + down
                        + "), autograd " + grad[k];
            }
            maxGrad = Math.max(maxGrad, Math.abs(grad[k]));
        }
        assertTrue(maxGrad > 1e-3, "gradient is (nearly) zero: " + maxGrad);
        assertTrue(maxErr < 1e-6 * Math.max(1, maxGrad), "autograd vs finite differences: max error " + maxErr
                + " at " + worst);
    }

    /** A temperature that returns fixed per-pair values, whatever the similarities. */
    private record FrozenTemperature(double[] tau, int rows) implements Temperature {
        @Override
        public String name() {
            return "frozen";
        }

        @Override
        public Map<String, Object> params() {
            return Map.of();
        }

        @Override
        public NDArray logits(NDArray s) {
            NDArray t = s.getManager().create(tau, new Shape(rows, rows)).toType(s.getDataType(), false);
            return s.div(t);
        }
    }

    /** The loss with its DySTreSS temperature replaced by τ(s) frozen at rows x (Java arithmetic); else the loss. */
    private static ContrastiveLoss frozenTemperature(ContrastiveLoss loss, double[] x, int rows, int dim) {
        DystressTemperature d = loss instanceof NtXent nt && nt.temperature() instanceof DystressTemperature t ? t
                : loss instanceof SupCon sc && sc.temperature() instanceof DystressTemperature t ? t
                : loss instanceof Sincere si && si.temperature() instanceof DystressTemperature t ? t : null;
        if (d == null) {
            return loss;
        }
        double[] tau = new double[rows * rows];
        for (int a = 0; a < rows; a++) {
            for (int b = 0; b < rows; b++) {
                double dot = 0;
                double na = 0;
                double nb = 0;
                for (int k = 0; k < dim; k++) {
                    dot += x[a * dim + k] * x[b * dim + k];
                    na += x[a * dim + k] * x[a * dim + k];
                    nb += x[b * dim + k] * x[b * dim + k];
                }
                double sin = Math.sin(Math.PI * dot / Math.sqrt(na * nb) / 2);
                tau[a * rows + b] = d.tauMin() + (d.tauMax() - d.tauMin()) * sin * sin;
            }
        }
        Temperature frozen = new FrozenTemperature(tau, rows);
        if (loss instanceof SupCon) {
            return new SupCon(frozen, Double.NaN, true);
        }
        return loss instanceof Sincere ? new Sincere(frozen, true) : new NtXent(frozen, true);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void lossIsInvariantToPermutingSamples(Batches.Config config) {
        Random rnd = new Random(7 + config.seed());
        int n = 6;
        int dim = 5;
        int views = config.views();
        int rows = n * views;
        long[] labels = {0, 1, 1, 2, 0, 3};
        double[] x = Batches.gaussian(rnd, rows * dim, 1);
        int[] perm = {3, 0, 5, 1, 4, 2};
        double[] px = new double[x.length];
        long[] pl = new long[n];
        for (int i = 0; i < n; i++) {
            pl[i] = labels[perm[i]];
            for (int v = 0; v < views; v++) {
                System.arraycopy(x, (v * n + perm[i]) * dim, px, (v * n + i) * dim, dim);
            }
        }
        ContrastiveLoss loss = config.loss();
        double a = Batches.value(loss, x, rows, dim, labels, views);
        double b = Batches.value(loss, px, rows, dim, pl, views);
        assertEquals(a, b, 1e-12 * Math.max(1, Math.abs(a)));
        // A permutation that breaks the sample/view pairing must change the loss: the test can fail.
        double[] shuffled = px.clone();
        System.arraycopy(px, 0, shuffled, dim, dim);
        System.arraycopy(px, dim, shuffled, 0, dim);
        assertTrue(Math.abs(Batches.value(loss, shuffled, rows, dim, pl, views) - a) > 1e-9);
    }
}
