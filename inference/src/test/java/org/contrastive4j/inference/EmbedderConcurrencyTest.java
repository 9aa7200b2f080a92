package org.contrastive4j.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.contrastive4j.core.data.Samples;
import org.junit.jupiter.api.Test;

class EmbedderConcurrencyTest {

    @Test
    void eightThreadsSharingOneEmbedderMatchSingleThreadedResults() throws Exception {
        int n = 400;
        float[][] raw = TestModels.randomRows(11, n, 16, 0f, 1f);
        Samples samples = new Samples("raw", TestModels.flatten(raw), new int[] {1, 4, 4}, null, List.of());
        EmbedderOptions o = EmbedderOptions.builder().batchSize(13).intraOpThreads(1).build();
        try (Embedder e = Embedder.open(TestModels.toolkit(), o)) {
            float[][] expected = e.embed(samples);
            int threads = 8;
            CyclicBarrier start = new CyclicBarrier(threads);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<float[][][]>> futures = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int offset = t * 17;
                    futures.add(pool.submit(() -> {
                        start.await();
                        float[][][] rounds = new float[5][][];
                        for (int r = 0; r < rounds.length; r++) {
                            // Each thread walks the data from its own offset, through both entry points.
                            int[] idx = new int[n];
                            for (int i = 0; i < n; i++) {
                                idx[i] = (i + offset + r) % n;
                            }
                            rounds[r] = r % 2 == 0 ? e.embed(samples.select(idx)) : rotate(e.embed(samples), offset + r);
                        }
                        return rounds;
                    }));
                }
                for (int t = 0; t < threads; t++) {
                    float[][][] rounds = futures.get(t).get();
                    for (int r = 0; r < rounds.length; r++) {
                        assertEquals(n, rounds[r].length);
                        for (int i = 0; i < n; i++) {
                            assertArrayEquals(expected[(i + t * 17 + r) % n], rounds[r][i], "thread " + t + " round " + r + " row " + i);
                        }
                    }
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private static float[][] rotate(float[][] rows, int by) {
        float[][] out = new float[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            out[i] = rows[(i + by) % rows.length];
        }
        return out;
    }
}
