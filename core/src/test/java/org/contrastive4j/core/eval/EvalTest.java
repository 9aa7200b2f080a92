package org.contrastive4j.core.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.contrastive4j.core.knn.Metric;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalTest {

    @TempDir
    Path tmp;

    /** Gaussian blobs: class c is centred at a random point with the given spread. */
    private static float[][] blobs(long seed, int n, int dim, int classes, double spread, int[] labelsOut, long centreSeed) {
        Random centres = new Random(centreSeed);
        double[][] mu = new double[classes][dim];
        for (double[] m : mu) {
            for (int j = 0; j < dim; j++) {
                m[j] = centres.nextGaussian() * 2;
            }
        }
        Random r = new Random(seed);
        float[][] x = new float[n][dim];
        for (int i = 0; i < n; i++) {
            labelsOut[i] = i % classes;
            for (int j = 0; j < dim; j++) {
                x[i][j] = (float) (mu[labelsOut[i]][j] + spread * r.nextGaussian());
            }
        }
        return x;
    }

    @Test
    void accuracyCountsMatches() {
        assertEquals(0.75, Metrics.accuracy(new int[] {1, 2, 3, 4}, new int[] {1, 2, 3, 0}), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> Metrics.accuracy(new int[] {1}, new int[] {1, 2}));
        assertThrows(IllegalArgumentException.class, () -> Metrics.accuracy(new int[0], new int[0]));
    }

    @Test
    void confusionMatrixCountsAndRendersAPng() throws Exception {
        int[] truth = {0, 0, 1, 1, 1, 2};
        int[] pred = {0, 1, 1, 1, 0, 2};
        ConfusionMatrix cm = ConfusionMatrix.of(truth, pred, List.of("cat", "dog", "eel"));
        assertEquals(6, cm.total());
        assertEquals(1, cm.count(0, 1));
        assertEquals(2, cm.count(1, 1));
        assertEquals(1, cm.count(1, 0));
        assertEquals(4.0 / 6, cm.accuracy(), 1e-12);
        assertArrayEquals(new double[] {0.5, 2.0 / 3, 1.0}, cm.perClassAccuracy(), 1e-12);
        assertTrue(cm.format().contains("dog"));
        Path png = tmp.resolve("out/cm.png");
        cm.writePng(png, "cm");
        BufferedImage img = ImageIO.read(png.toFile());
        assertNotNull(img);
        assertTrue(img.getWidth() > 3 * 48 && img.getHeight() > 3 * 48);
        // Labels beyond the given names get numbered names.
        assertEquals(List.of("a", "1", "2"), ConfusionMatrix.of(new int[] {2}, new int[] {0}, List.of("a")).classNames());
    }

    @Test
    void knnAccuracyAgreesWithABruteForceCount() {
        int[] ytr = new int[300];
        int[] yte = new int[100];
        float[][] train = blobs(1, 300, 8, 3, 1.5, ytr, 99);
        float[][] test = blobs(2, 100, 8, 3, 1.5, yte, 99);
        int correct = 0;
        for (int i = 0; i < test.length; i++) {
            double best = Double.POSITIVE_INFINITY;
            int label = -1;
            for (int j = 0; j < train.length; j++) {
                double d = 0;
                for (int k = 0; k < 8; k++) {
                    d += Math.pow(test[i][k] - train[j][k], 2);
                }
                if (d < best) {
                    best = d;
                    label = ytr[j];
                }
            }
            correct += label == yte[i] ? 1 : 0;
        }
        assertEquals(correct / 100.0, Metrics.nn1Accuracy(train, ytr, test, yte, Metric.EUCLIDEAN), 1e-12);
        double k5 = Metrics.knnAccuracy(train, ytr, test, yte, 5, Metric.COSINE);
        assertTrue(k5 > 0.5 && k5 <= 1.0, "k5=" + k5);
    }

    @Test
    void linearProbeSeparatesBlobsAndIsDeterministic() {
        int[] ytr = new int[600];
        int[] yte = new int[300];
        float[][] train = blobs(3, 600, 16, 4, 1.0, ytr, 7);
        float[][] test = blobs(4, 300, 16, 4, 1.0, yte, 7);
        LinearProbe a = LinearProbe.fit(train, ytr, 4);
        LinearProbe b = LinearProbe.fit(train, ytr, 4);
        assertTrue(a.accuracy(test, yte) > 0.95, "accuracy " + a.accuracy(test, yte));
        assertTrue(a.trainingLoss() < 0.2 * Math.log(4), "loss " + a.trainingLoss());
        float[][] pa = a.probabilities(test);
        float[][] pb = b.probabilities(test);
        for (int i = 0; i < pa.length; i++) {
            assertArrayEquals(pa[i], pb[i]);
            double sum = 0;
            for (float v : pa[i]) {
                sum += v;
            }
            assertEquals(1.0, sum, 1e-5);
        }
    }

    @Test
    void strongRegularisationShrinksTowardsUniform() {
        int[] y = new int[200];
        float[][] x = blobs(5, 200, 4, 2, 1.0, y, 11);
        LinearProbe weak = LinearProbe.fit(x, y, 2, new LinearProbe.Options(1e-4, 200, 1e-8, 10));
        LinearProbe strong = LinearProbe.fit(x, y, 2, new LinearProbe.Options(100, 200, 1e-8, 10));
        double weakMax = 0, strongMax = 0;
        for (int i = 0; i < x.length; i++) {
            weakMax += Math.max(weak.probabilities(x)[i][0], weak.probabilities(x)[i][1]);
            strongMax += Math.max(strong.probabilities(x)[i][0], strong.probabilities(x)[i][1]);
        }
        assertTrue(strongMax / x.length < 0.6, "strong " + strongMax / x.length);
        assertTrue(weakMax / x.length > 0.9, "weak " + weakMax / x.length);
    }

    @Test
    void objectiveGradientMatchesFiniteDifferences() {
        Random r = new Random(13);
        int n = 30, d = 5, c = 3;
        double[] x = new double[n * d];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextGaussian();
        }
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(c);
        }
        LinearProbe.Objective f = new LinearProbe.Objective(x, y, n, d, c, 0.3);
        double[] w = new double[f.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = 0.5 * r.nextGaussian();
        }
        double[] g = new double[w.length];
        f.evaluate(w, g);
        double[] scratch = new double[w.length];
        for (int p = 0; p < w.length; p++) {
            double[] plus = w.clone();
            double[] minus = w.clone();
            plus[p] += 1e-5;
            minus[p] -= 1e-5;
            double numeric = (f.evaluate(plus, scratch) - f.evaluate(minus, scratch)) / 2e-5;
            assertEquals(numeric, g[p], 1e-6, "parameter " + p);
        }
    }

    @Test
    void linearProbeRejectsBadInput() {
        assertThrows(IllegalArgumentException.class, () -> LinearProbe.fit(new float[][] {{1f}}, new int[] {2}, 2));
        assertThrows(IllegalArgumentException.class, () -> LinearProbe.fit(new float[][] {{1f}, {1f, 2f}}, new int[] {0, 1}, 2));
    }
}
