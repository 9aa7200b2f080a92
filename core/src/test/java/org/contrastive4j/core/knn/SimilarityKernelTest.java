package org.contrastive4j.core.knn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** The blocked kernel against a plain double-precision dot product over every pair. */
class SimilarityKernelTest {

    static float[][] random(long seed, int n, int d, double zeroFraction) {
        Random r = new Random(seed);
        float[][] x = new float[n][d];
        for (float[] row : x) {
            for (int k = 0; k < d; k++) {
                row[k] = r.nextDouble() < zeroFraction ? 0f : (float) r.nextGaussian();
            }
        }
        return x;
    }

    private static double reference(float[] a, float[] b, boolean cosine) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int k = 0; k < a.length; k++) {
            dot += (double) a[k] * b[k];
            na += (double) a[k] * a[k];
            nb += (double) b[k] * b[k];
        }
        if (!cosine) {
            return dot;
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
    }

    @Test
    void dotsMatchDoublePrecisionOverEveryBlockAndRemainder() {
        // 1,100 references: two full blocks and a partial one; 37 dimensions: 1 + 9 groups of four + 0 left, and 38: a
        // remainder; 21 queries: two full query blocks and a partial one. Half the query values are zero (as after a
        // ReLU), so skipped groups of four zeros are exercised too.
        for (int dim : new int[] {37, 38, 3}) {
            float[][] refs = random(1, 1100, dim, 0.0);
            float[][] queries = random(2, 21, dim, 0.5);
            refs[5] = new float[dim]; // a zero reference stays zero under normalisation
            for (boolean cosine : new boolean[] {false, true}) {
                SimilarityKernel kernel = SimilarityKernel.ofRows(refs, null, cosine);
                float[] qs = kernel.prepareQueries(queries, cosine);
                float[][] dots = new float[SimilarityKernel.QUERY_BLOCK][SimilarityKernel.REF_BLOCK];
                for (int q0 = 0; q0 < queries.length; q0 += SimilarityKernel.QUERY_BLOCK) {
                    int qb = Math.min(SimilarityKernel.QUERY_BLOCK, queries.length - q0);
                    for (int b = 0; b < kernel.blockCount(); b++) {
                        kernel.dots(qs, q0, qb, b, dots);
                        for (int q = 0; q < qb; q++) {
                            for (int j = 0; j < kernel.blockWidth(b); j++) {
                                int ref = SimilarityKernel.blockStart(b) + j;
                                double expected = reference(queries[q0 + q], refs[ref], cosine);
                                assertEquals(expected, dots[q][j], 1e-5 * (cosine ? 1 : dim),
                                        "dim " + dim + " cosine " + cosine + " query " + (q0 + q) + " ref " + ref);
                            }
                        }
                    }
                }
                assertEquals(3, kernel.blockCount());
                assertEquals(1100 - 2 * SimilarityKernel.REF_BLOCK, kernel.blockWidth(2));
            }
        }
    }

    @Test
    void orderPermutesTheReferences() {
        float[][] refs = random(3, 10, 4, 0.0);
        int[] order = {9, 3, 0};
        SimilarityKernel kernel = SimilarityKernel.ofRows(refs, order, false);
        assertEquals(3, kernel.count());
        float[][] q = {{1, 0, 0, 0}};
        float[][] dots = new float[SimilarityKernel.QUERY_BLOCK][SimilarityKernel.REF_BLOCK];
        kernel.dots(kernel.prepareQueries(q, false), 0, 1, 0, dots);
        assertEquals(refs[9][0], dots[0][0]);
        assertEquals(refs[3][0], dots[0][1]);
        assertEquals(refs[0][0], dots[0][2]);
    }

    @Test
    void everyQueryBlockRunsOnceWhateverTheThreadCountAndResultsAreBitIdentical() {
        float[][] refs = random(4, 700, 16, 0.0);
        float[][] queries = random(5, 101, 16, 0.2);
        SimilarityKernel kernel = SimilarityKernel.ofRows(refs, null, true);
        float[] qs = kernel.prepareQueries(queries, true);
        float[][] first = null;
        for (int threads : new int[] {1, 3, SimilarityKernel.ALL_CORES}) {
            AtomicIntegerArray seen = new AtomicIntegerArray(queries.length);
            float[][] best = new float[queries.length][];
            SimilarityKernel.forEachQueryBlock(queries.length, threads, (q0, qb, dots) -> {
                for (int q = 0; q < qb; q++) {
                    seen.incrementAndGet(q0 + q);
                    best[q0 + q] = new float[kernel.count()];
                }
                for (int b = 0; b < kernel.blockCount(); b++) {
                    kernel.dots(qs, q0, qb, b, dots);
                    for (int q = 0; q < qb; q++) {
                        System.arraycopy(dots[q], 0, best[q0 + q], SimilarityKernel.blockStart(b), kernel.blockWidth(b));
                    }
                }
            });
            for (int q = 0; q < queries.length; q++) {
                assertEquals(1, seen.get(q), "query " + q + " with " + threads + " threads");
            }
            if (first == null) {
                first = best;
            } else {
                for (int q = 0; q < queries.length; q++) {
                    assertArrayEquals(first[q], best[q], "query " + q + " with " + threads + " threads");
                }
            }
        }
    }

    @Test
    void badQueriesAreNamed() {
        SimilarityKernel kernel = SimilarityKernel.ofRows(random(6, 3, 4, 0), null, true);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> kernel.prepareQueries(new float[][] {{1, 2, 3, 4}, {1, 2}}, true));
        assertTrue(e.getMessage().contains("query 1 has 2 values"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> kernel.prepareQueries(new float[][] {{1, Float.NaN, 3, 4}}, false));
        assertTrue(e.getMessage().contains("query 0 contains NaN"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SimilarityKernel.forEachQueryBlock(3, -1, (a, b, c) -> { }));
    }
}
