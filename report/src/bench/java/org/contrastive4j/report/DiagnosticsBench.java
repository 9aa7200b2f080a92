package org.contrastive4j.report;

import java.util.Locale;
import java.util.Random;

/**
 * Timing of {@link EmbeddingDiagnostics#compute} on clustered Gaussian data (not a test; run by hand with -Pbench):
 * arguments nTrain nTest dim threads.
 */
public final class DiagnosticsBench {

    private DiagnosticsBench() {}

    public static void main(String[] a) {
        int nTrain = Integer.parseInt(a[0]);
        int nTest = Integer.parseInt(a[1]);
        int dim = Integer.parseInt(a[2]);
        int threads = Integer.parseInt(a[3]);
        Random r = new Random(1);
        float[][] train = new float[nTrain][dim];
        int[] trainLabels = new int[nTrain];
        float[][] test = new float[nTest][dim];
        int[] testLabels = new int[nTest];
        fill(r, train, trainLabels);
        fill(r, test, testLabels);
        for (int rep = 0; rep < 3; rep++) {
            long t0 = System.nanoTime();
            EmbeddingDiagnostics e = EmbeddingDiagnostics.compute(train, trainLabels, test, testLabels, 10, threads);
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "%dx%dx%d threads=%d: %.2f s (%.1f GFLOP/s) medT=%.3f medN=%.3f nn1=%.3f%n",
                    nTest, nTrain, dim, threads, s, 2.0 * nTrain * nTest * dim / s / 1e9, e.medianTarget(), e.medianNoise(),
                    e.nn1Accuracy());
        }
    }

    private static void fill(Random r, float[][] x, int[] labels) {
        for (int i = 0; i < x.length; i++) {
            labels[i] = r.nextInt(10);
            for (int k = 0; k < x[i].length; k++) {
                x[i][k] = (float) r.nextGaussian() + (k == labels[i] ? 3 : 0);
            }
        }
    }
}
