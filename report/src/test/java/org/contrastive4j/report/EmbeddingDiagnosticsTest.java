package org.contrastive4j.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class EmbeddingDiagnosticsTest {

    /** Straightforward double-precision reference: every pair, no blocking, no normalised copies. */
    private static double[][] bruteForce(float[][] train, int[] trainLabels, float[][] test, int[] testLabels) {
        double[] t = new double[test.length];
        double[] z = new double[test.length];
        int[] ti = new int[test.length];
        int[] zi = new int[test.length];
        for (int i = 0; i < test.length; i++) {
            t[i] = Double.NEGATIVE_INFINITY;
            z[i] = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < train.length; j++) {
                double dot = 0, na = 0, nb = 0;
                for (int k = 0; k < test[i].length; k++) {
                    dot += (double) test[i][k] * train[j][k];
                    na += (double) test[i][k] * test[i][k];
                    nb += (double) train[j][k] * train[j][k];
                }
                double cos = dot / Math.sqrt(na * nb);
                if (trainLabels[j] == testLabels[i]) {
                    if (cos > t[i]) {
                        t[i] = cos;
                        ti[i] = j;
                    }
                } else if (cos > z[i]) {
                    z[i] = cos;
                    zi[i] = j;
                }
            }
        }
        return new double[][] {t, z, Arrays.stream(ti).asDoubleStream().toArray(),
                Arrays.stream(zi).asDoubleStream().toArray()};
    }

    private static float[][] gaussian(Random rnd, int n, int d) {
        float[][] x = new float[n][d];
        for (float[] row : x) {
            for (int k = 0; k < d; k++) {
                row[k] = (float) rnd.nextGaussian();
            }
        }
        return x;
    }

    private static int[] labels(Random rnd, int n, int classes) {
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = rnd.nextInt(classes);
        }
        return y;
    }

    @Test
    void matchesBruteForceOnRandomData() {
        Random rnd = new Random(7);
        // 1100 train rows: more than two blocks, the last one partial; 37 dims: exercises the k remainder loop.
        float[][] train = gaussian(rnd, 1100, 37);
        int[] trainLabels = labels(rnd, train.length, 5);
        float[][] test = gaussian(rnd, 53, 37);
        int[] testLabels = labels(rnd, test.length, 5);
        double[][] ref = bruteForce(train, trainLabels, test, testLabels);
        for (int threads : new int[] {1, 3}) {
            EmbeddingDiagnostics d = EmbeddingDiagnostics.compute(train, trainLabels, test, testLabels, 5, threads);
            for (int i = 0; i < test.length; i++) {
                assertEquals(ref[0][i], d.target()[i], 1e-5, "target " + i);
                assertEquals(ref[1][i], d.noise()[i], 1e-5, "noise " + i);
                assertEquals((int) ref[2][i], d.targetIndex()[i], "target index " + i);
                assertEquals((int) ref[3][i], d.noiseIndex()[i], "noise index " + i);
            }
            double[] gaps = new double[test.length];
            for (int i = 0; i < gaps.length; i++) {
                gaps[i] = ref[0][i] - ref[1][i];
            }
            double[] sortedT = ref[0].clone();
            Arrays.sort(sortedT);
            double[] sortedN = ref[1].clone();
            Arrays.sort(sortedN);
            Arrays.sort(gaps);
            assertEquals(sortedT[26], d.medianTarget(), 1e-5);
            assertEquals(sortedN[26], d.medianNoise(), 1e-5);
            assertEquals(sortedT[26] - sortedN[26], d.medianGap(), 1e-5);
            assertEquals(gaps[26], d.medianSampleGap(), 1e-5);
        }
    }

    @Test
    void perClassMediansAndNn1MatchReference() {
        Random rnd = new Random(11);
        float[][] train = gaussian(rnd, 300, 8);
        int[] trainLabels = labels(rnd, train.length, 3);
        float[][] test = gaussian(rnd, 90, 8);
        int[] testLabels = labels(rnd, test.length, 3);
        double[][] ref = bruteForce(train, trainLabels, test, testLabels);
        EmbeddingDiagnostics d = EmbeddingDiagnostics.compute(train, trainLabels, test, testLabels, 3);
        int correct = 0;
        int[][] confusion = new int[3][3];
        for (int i = 0; i < test.length; i++) {
            int nearest = ref[0][i] > ref[1][i] ? (int) ref[2][i] : (int) ref[3][i];
            confusion[testLabels[i]][trainLabels[nearest]]++;
            if (trainLabels[nearest] == testLabels[i]) {
                correct++;
            }
        }
        assertEquals(correct / 90.0, d.nn1Accuracy(), 1e-12);
        for (int c = 0; c < 3; c++) {
            assertArrayEquals(confusion[c], d.nn1Confusion()[c]);
            final int cls = c;
            double[] t = IntStream.range(0, 90).filter(i -> testLabels[i] == cls)
                    .mapToDouble(i -> ref[0][i]).sorted().toArray();
            double expected = t.length % 2 == 1 ? t[t.length / 2] : 0.5 * (t[t.length / 2 - 1] + t[t.length / 2]);
            assertEquals(expected, d.classMedianTarget()[c], 1e-5);
            assertEquals(t.length, d.classCounts()[c]);
        }
    }

    /**
     * Two tight clusters per class on known directions: same-class neighbours are at angle ~0, so target ~ 1, and the
     * other class's cluster is orthogonal (noise ~ 0) for class 0 vs 1, while class 2 sits at 60 degrees from class 0.
     */
    @Test
    void clusteredDataGivesKnownTargetAndNoise() {
        Random rnd = new Random(3);
        double[][] centres = {{1, 0, 0}, {0, 1, 0}, {0.5, 0, Math.sqrt(0.75)}};
        int perClass = 40;
        float[][] train = new float[3 * perClass][];
        int[] trainLabels = new int[train.length];
        float[][] test = new float[3 * 10][];
        int[] testLabels = new int[test.length];
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < perClass; i++) {
                train[c * perClass + i] = jitter(centres[c], rnd, 1e-4);
                trainLabels[c * perClass + i] = c;
            }
            for (int i = 0; i < 10; i++) {
                test[c * 10 + i] = jitter(centres[c], rnd, 1e-4);
                testLabels[c * 10 + i] = c;
            }
        }
        EmbeddingDiagnostics d = EmbeddingDiagnostics.compute(train, trainLabels, test, testLabels, 3);
        assertEquals(1.0, d.medianTarget(), 1e-3);
        // class 0 and 2 are 60 degrees apart (cos 0.5); class 1 is orthogonal to both.
        assertEquals(0.5, d.classMedianNoise()[0], 1e-3);
        assertEquals(0.0, d.classMedianNoise()[1], 1e-3);
        assertEquals(0.5, d.classMedianNoise()[2], 1e-3);
        assertEquals(0.5, d.medianNoise(), 1e-3);
        assertEquals(0.5, d.medianGap(), 2e-3);
        assertEquals(1.0, d.nn1Accuracy());
        assertEquals(1.0, d.classMedianGap(1), 2e-3);
    }

    private static float[] jitter(double[] centre, Random rnd, double sigma) {
        float[] v = new float[centre.length];
        for (int k = 0; k < v.length; k++) {
            v[k] = (float) ((centre[k] + sigma * rnd.nextGaussian()) * 3.0); // scale: cosine must ignore the norm
        }
        return v;
    }

    @Test
    void classWithoutTrainingSamplesGivesNaNTargetAndFiniteMediansElsewhere() {
        float[][] train = {{1, 0}, {0, 1}};
        int[] trainLabels = {0, 1};
        float[][] test = {{1, 0.1f}, {0.1f, 1}, {1, 1}};
        int[] testLabels = {0, 1, 2};
        EmbeddingDiagnostics d = EmbeddingDiagnostics.compute(train, trainLabels, test, testLabels, 3);
        assertTrue(Float.isNaN(d.target()[2]));
        assertTrue(Double.isNaN(d.classMedianTarget()[2]));
        assertTrue(Double.isFinite(d.medianTarget()));
        assertEquals(Math.sqrt(0.5), d.noise()[2], 1e-6);
    }

    @Test
    void rejectsBadInput() {
        float[][] ok = {{1, 0}, {0, 1}};
        assertThrows(IllegalArgumentException.class,
                () -> EmbeddingDiagnostics.compute(ok, new int[] {0}, ok, new int[] {0, 1}, 2));
        assertThrows(IllegalArgumentException.class,
                () -> EmbeddingDiagnostics.compute(ok, new int[] {0, 2}, ok, new int[] {0, 1}, 2));
        assertThrows(IllegalArgumentException.class,
                () -> EmbeddingDiagnostics.compute(ok, new int[] {0, 1}, new float[][] {{1, 0, 0}}, new int[] {0}, 2));
        assertThrows(IllegalArgumentException.class,
                () -> EmbeddingDiagnostics.compute(new float[][] {{Float.NaN, 0}}, new int[] {0}, ok,
                        new int[] {0, 1}, 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EmbeddingDiagnostics.compute(new float[0][], new int[0], ok, new int[] {0, 1}, 2));
        assertTrue(e.getMessage().contains("train"), e.getMessage());
    }
}
