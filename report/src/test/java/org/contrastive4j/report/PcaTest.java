package org.contrastive4j.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PcaTest {

    /** Data stretched along known orthogonal unit directions u (std 10) and w (std 3) plus isotropic noise (std 0.1). */
    @Test
    void recoversKnownDominantDirections() {
        int d = 20;
        Random rnd = new Random(5);
        double[] u = unit(rnd, d);
        double[] w = unit(rnd, d);
        double proj = dot(u, w);
        for (int k = 0; k < d; k++) {
            w[k] -= proj * u[k];
        }
        w = normalise(w);
        int n = 2000;
        float[][] x = new float[n][d];
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = 10 * rnd.nextGaussian();
            double b = 3 * rnd.nextGaussian();
            for (int k = 0; k < d; k++) {
                x[i][k] = (float) (5.0 + a[i] * u[k] + b * w[k] + 0.1 * rnd.nextGaussian());
            }
        }
        Pca.Projection p = Pca.project2d(x);
        assertEquals(1.0, Math.abs(dot(p.components()[0], u)), 1e-3);
        assertEquals(1.0, Math.abs(dot(p.components()[1], w)), 1e-3);
        double total = 100 + 9 + d * 0.01;
        assertEquals(100 / total, p.explainedVarianceRatio()[0], 0.02);
        assertEquals(9 / total, p.explainedVarianceRatio()[1], 0.01);
        // first coordinate is the (centred) position along u, up to the sign convention
        double sign = Math.signum(dot(p.components()[0], u));
        double meanA = Arrays.stream(a).average().orElseThrow();
        for (int i = 0; i < n; i += 97) {
            assertEquals(sign * (a[i] - meanA), p.points()[i][0], 0.5);
        }
        // deterministic
        Pca.Projection again = Pca.project2d(x);
        for (int i = 0; i < n; i += 101) {
            assertArrayEquals(p.points()[i], again.points()[i]);
        }
    }

    @Test
    void handlesLowDimensionalAndDegenerateInput() {
        float[][] line = {{1}, {2}, {3}, {4}};
        Pca.Projection p = Pca.project2d(line);
        assertEquals(1.0, p.explainedVarianceRatio()[0], 1e-9);
        assertEquals(-1.5, p.points()[0][0], 1e-6);
        assertEquals(0.0, p.points()[0][1], 1e-9);
        float[][] constant = {{1, 1, 1}, {1, 1, 1}, {1, 1, 1}};
        Pca.Projection c = Pca.project2d(constant);
        assertTrue(Float.isFinite(c.points()[0][0]));
        assertEquals(0.0, c.explainedVarianceRatio()[0]);
        assertThrows(IllegalArgumentException.class, () -> Pca.project2d(new float[][] {{1, 2}}));
        assertThrows(IllegalArgumentException.class, () -> Pca.project2d(new float[][] {{1, 2}, {1}}));
    }

    private static double[] unit(Random rnd, int d) {
        double[] v = new double[d];
        for (int k = 0; k < d; k++) {
            v[k] = rnd.nextGaussian();
        }
        return normalise(v);
    }

    private static double[] normalise(double[] v) {
        double n = Math.sqrt(dot(v, v));
        double[] out = new double[v.length];
        for (int k = 0; k < v.length; k++) {
            out[k] = v[k] / n;
        }
        return out;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int k = 0; k < a.length; k++) {
            s += a[k] * b[k];
        }
        return s;
    }
}
