package org.contrastive4j.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.contrastive4j.core.data.Samples;
import org.junit.jupiter.api.Test;

class EmbedderConcurrencyTest {

    @Test
    void eightThreadsSharingOneEmbedderMatchSingleThreadedResults() throws Exception {
        int n = 400;
        float[][] raw = TestModels.randomRows(11, n, 16, 0f, 1f);
        Samples samples = new Samples("raw", TestModels.flatten(raw), new int[] {1, 4, 4}, null, List.of());
        EmbedderOptions o = EmbedderOptions.builder().batchSize(13).intraOpThreads(1).build();
        float[][] expected = new float[n][];
        for (int i = 0; i < n; i++) {
            expected[i] = TestModels.toolkitEmbedding(raw[i]);
        }
        try (Embedder e = Embedder.open(TestModels.toolkit(), o)) {
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
                            assertArrayEquals(expected[(i + t * 17 + r) % n], rounds[r][i], 1e-5f,
                                    "thread " + t + " round " + r + " row " + i);
                        }
                    }
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /**
     * Issue 11 item 1: a ninth thread closes the embedder while eight embed in a loop. Closing used to free the native
     * session under running calls (SIGSEGV in 19 of 20 runs, which kills this test's JVM); now it waits for the running
     * batches, and every call either returns the right embeddings or fails with IllegalStateException.
     */
    @Test
    void closingWhileEightThreadsEmbedNeverFreesTheSessionUnderACall() throws Exception {
        int n = 64;
        float[][] raw = TestModels.randomRows(13, n, 16, 0f, 1f);
        Samples samples = new Samples("raw", TestModels.flatten(raw), new int[] {1, 4, 4}, null, List.of());
        float[][] expected = new float[n][];
        for (int i = 0; i < n; i++) {
            expected[i] = TestModels.toolkitEmbedding(raw[i]);
        }
        EmbedderOptions o = EmbedderOptions.builder().batchSize(8).intraOpThreads(1).build();
        int threads = 8;
        for (int round = 0; round < 25; round++) {
            Embedder e = Embedder.open(TestModels.toolkit(), o);
            CountDownLatch everyoneEmbedded = new CountDownLatch(threads);
            AtomicInteger correct = new AtomicInteger();
            AtomicInteger refused = new AtomicInteger();
            Queue<String> wrong = new ConcurrentLinkedQueue<>();
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Thread w = new Thread(() -> {
                    boolean first = true;
                    while (true) {
                        try {
                            float[][] got = e.embed(samples);
                            for (int i = 0; i < n; i++) {
                                for (int j = 0; j < 2; j++) {
                                    if (Math.abs(got[i][j] - expected[i][j]) > 1e-5f) {
                                        wrong.add("row " + i + ": " + got[i][j] + " vs " + expected[i][j]);
                                    }
                                }
                            }
                            correct.incrementAndGet();
                        } catch (IllegalStateException ex) {
                            if (!ex.getMessage().contains("is closed")) {
                                wrong.add("unexpected message: " + ex.getMessage());
                            }
                            refused.incrementAndGet();
                            return;
                        } catch (RuntimeException ex) {
                            wrong.add(ex.toString());
                            return;
                        } finally {
                            if (first) {
                                first = false;
                                everyoneEmbedded.countDown();
                            }
                        }
                    }
                }, "embedder-" + t);
                workers.add(w);
                w.start();
            }
            everyoneEmbedded.await();
            e.close(); // the ninth thread: every worker is in its loop, most of them inside a call
            for (Thread w : workers) {
                w.join();
            }
            assertTrue(wrong.isEmpty(), "round " + round + ": " + wrong);
            assertEquals(threads, refused.get(), "every worker ends on the closed embedder");
            assertTrue(correct.get() >= 1, "round " + round);
            assertThrowsClosed(e);
        }
    }

    private static void assertThrowsClosed(Embedder e) {
        try {
            e.embed(new float[][] {new float[16]});
        } catch (IllegalStateException expected) {
            return;
        }
        throw new AssertionError("a closed embedder must refuse work");
    }

    private static float[][] rotate(float[][] rows, int by) {
        float[][] out = new float[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            out[i] = rows[(i + by) % rows.length];
        }
        return out;
    }
}
