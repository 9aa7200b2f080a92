package org.contrastive4j.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.contrastive4j.core.data.Samples;
import org.contrastive4j.trainer.data.Normalization;
import org.junit.jupiter.api.Test;

/**
 * The raw-pixel baseline against a brute-force cosine k-NN written here (double precision, majority vote, ties to
 * the class met first among the nearest), on data whose raw pixels separate the classes and on data whose pixels say
 * nothing about the label.
 */
class RawPixelBaselineTest {

    private static final int SIDE = 4;
    private static final int LEN = SIDE * SIDE;
    private static final Normalization NORM = new Normalization(new float[] {0.5f}, new float[] {0.25f});
    private static final RawPixelBaseline.Bounds GENEROUS = new RawPixelBaseline.Bounds(1e12, 1, 1L << 40);

    /** Class 0 bright on top, class 1 bright below (with noise), when {@code informative}; else pure noise. */
    private static Samples images(int n, boolean informative, long seed) {
        Random rnd = new Random(seed);
        float[] v = new float[n * LEN];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 2;
            for (int p = 0; p < LEN; p++) {
                boolean top = p < LEN / 2;
                double base = informative ? ((top == (labels[i] == 0)) ? 0.8 : 0.2) : 0.5;
                v[i * LEN + p] = (float) Math.min(1, Math.max(0, base + 0.3 * rnd.nextGaussian()));
            }
        }
        return new Samples("test", v, new int[] {1, SIDE, SIDE}, labels, List.of("top", "bottom"));
    }

    /** {k-NN accuracy, 1-NN accuracy} by brute force on the normalised values of the chosen queries. */
    private static double[] bruteForce(Samples ref, Samples query, int[] picked, int k) {
        int knnRight = 0;
        int nn1Right = 0;
        for (int q : picked) {
            double[] x = normalised(query, q);
            List<double[]> sims = new ArrayList<>();
            for (int r = 0; r < ref.size(); r++) {
                sims.add(new double[] {cosine(x, normalised(ref, r)), r});
            }
            sims.sort(Comparator.<double[]>comparingDouble(s -> -s[0]).thenComparingDouble(s -> s[1]));
            int[] votes = new int[2];
            for (int j = 0; j < k; j++) {
                votes[ref.labels()[(int) sims.get(j)[1]]]++;
            }
            int best = Math.max(votes[0], votes[1]);
            int label = -1;
            for (int j = 0; j < k && label < 0; j++) {
                int l = ref.labels()[(int) sims.get(j)[1]];
                label = votes[l] == best ? l : -1;
            }
            knnRight += label == query.labels()[q] ? 1 : 0;
            nn1Right += ref.labels()[(int) sims.get(0)[1]] == query.labels()[q] ? 1 : 0;
        }
        return new double[] {knnRight / (double) picked.length, nn1Right / (double) picked.length};
    }

    private static double[] normalised(Samples s, int i) {
        double[] x = new double[LEN];
        for (int p = 0; p < LEN; p++) {
            x[p] = (s.values()[i * LEN + p] - 0.5) / 0.25;
        }
        return x;
    }

    private static double cosine(double[] a, double[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int p = 0; p < a.length; p++) {
            dot += a[p] * b[p];
            na += a[p] * a[p];
            nb += b[p] * b[p];
        }
        return dot / Math.sqrt(na * nb);
    }

    private static int[] all(int n) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        return idx;
    }

    @Test
    void pixelsThatSeparateTheClassesGiveAHighBaselineAndNoisePixelsAChanceOne() {
        Samples ref = images(120, true, 1);
        Samples query = images(60, true, 2);
        RawPixelBaseline.Result good = RawPixelBaseline.compute(ref, query, NORM, 5, "auto", "test", GENEROUS);
        double[] want = bruteForce(ref, query, all(60), 5);
        assertEquals(want[0], good.knnAcc(), 1e-12);
        assertEquals(want[1], good.nn1Acc(), 1e-12);
        assertTrue(good.knnAcc() > 0.9, "informative pixels: " + good.knnAcc());
        assertEquals(60, good.queries());
        assertTrue(good.method().contains("all 60 test queries against 120 references"), good.method());

        Samples noiseRef = images(120, false, 3);
        Samples noiseQuery = images(60, false, 4);
        RawPixelBaseline.Result poor = RawPixelBaseline.compute(noiseRef, noiseQuery, NORM, 5, "auto", "validation (x)",
                GENEROUS);
        double[] chance = bruteForce(noiseRef, noiseQuery, all(60), 5);
        assertEquals(chance[0], poor.knnAcc(), 1e-12);
        assertEquals(chance[1], poor.nn1Acc(), 1e-12);
        assertTrue(poor.knnAcc() < 0.75, "noise pixels: " + poor.knnAcc());
        assertTrue(poor.method().contains("validation queries"), poor.method());
    }

    @Test
    void referencesReadInChunksGiveTheResultOfOneSearch() {
        Samples ref = images(121, true, 7);
        Samples query = images(60, true, 8);
        double[] want = bruteForce(ref, query, all(60), 5);
        for (int chunk : new int[] {1, 4, 7, 120, 121}) {
            RawPixelBaseline.Result r = RawPixelBaseline.compute(ref, query, NORM, 5, "auto", "test",
                    new RawPixelBaseline.Bounds(1e12, 1, 1L << 40, chunk));
            assertEquals(want[0], r.knnAcc(), 1e-12, "chunks of " + chunk);
            assertEquals(want[1], r.nn1Acc(), 1e-12, "chunks of " + chunk);
        }
    }

    @Test
    void theCostBoundTakesEvenlySpacedQueriesOrSkipsWithTheReason() {
        Samples ref = images(50, true, 5);
        Samples query = images(40, true, 6);
        // 50 references x 16 values = 800 multiply-adds per query: a budget of 8,000 fits 10 of the 40 queries
        RawPixelBaseline.Result some = RawPixelBaseline.compute(ref, query, NORM, 3, "auto", "test",
                new RawPixelBaseline.Bounds(8_000, 5, 1L << 40));
        assertEquals(10, some.queries());
        assertEquals(40, some.totalQueries());
        int[] everyFourth = {0, 4, 8, 12, 16, 20, 24, 28, 32, 36};
        assertEquals(bruteForce(ref, query, everyFourth, 3)[0], some.knnAcc(), 1e-12);
        assertTrue(some.describe(false).contains("on 10 of 40 queries"), some.describe(false));

        RawPixelBaseline.Result full = RawPixelBaseline.compute(ref, query, NORM, 3, "full", "test",
                new RawPixelBaseline.Bounds(8_000, 5, 1L << 40));
        assertEquals(40, full.queries());

        RawPixelBaseline.Result skipped = RawPixelBaseline.compute(ref, query, NORM, 3, "auto", "test",
                new RawPixelBaseline.Bounds(8_000, 20, 1L << 40));
        assertFalse(skipped.computed());
        assertTrue(skipped.method().contains("only 10 of the 40 queries") && skipped.method().contains("--baseline full"),
                skipped.method());

        RawPixelBaseline.Result noHeap = RawPixelBaseline.compute(ref, query, NORM, 3, "full", "test",
                new RawPixelBaseline.Bounds(1e12, 1, 1000));
        assertFalse(noHeap.computed());
        assertTrue(noHeap.method().contains("heap"), noHeap.method());
        assertEquals("skipped (--baseline off)", RawPixelBaseline.compute(ref, query, NORM, 3, "off", "test", GENEROUS)
                .method());
    }
}
