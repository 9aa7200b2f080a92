package org.contrastive4j.core.knn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KnnIndexTest {

    @TempDir
    Path tmp;

    static float[][] randomRows(long seed, int n, int len, float lo, float hi) {
        Random r = new Random(seed);
        float[][] x = new float[n][len];
        for (float[] row : x) {
            for (int j = 0; j < len; j++) {
                row[j] = lo + (hi - lo) * r.nextFloat();
            }
        }
        return x;
    }

    private static int[] randomLabels(long seed, int n, int classes) {
        Random r = new Random(seed);
        return IntStream.range(0, n).map(i -> r.nextInt(classes)).toArray();
    }

    /** Independent brute force in double precision: distances of every reference to q. */
    private static double[] bruteForce(float[][] refs, float[] q, Metric metric) {
        double[] d = new double[refs.length];
        for (int i = 0; i < refs.length; i++) {
            double dot = 0, nq = 0, nr = 0, sq = 0;
            for (int j = 0; j < q.length; j++) {
                dot += (double) q[j] * refs[i][j];
                nq += (double) q[j] * q[j];
                nr += (double) refs[i][j] * refs[i][j];
                double diff = (double) q[j] - refs[i][j];
                sq += diff * diff;
            }
            d[i] = metric == Metric.COSINE ? 1 - dot / Math.sqrt(nq * nr) : Math.sqrt(sq);
        }
        return d;
    }

    @Test
    void neighboursMergedFromChunkedSearchesEqualOneSearchTiesIncluded() {
        Random rnd = new Random(11);
        float[][] refs = new float[40][6];
        int[] labels = new int[40];
        for (int r = 0; r < 40; r++) {
            for (int d = 0; d < 6; d++) {
                // Values from a small set, and rows 30-39 copies of rows 0-9: many exact ties across chunks.
                refs[r][d] = r >= 30 ? refs[r - 30][d] : rnd.nextInt(3) - 1;
            }
            refs[r][0] += 0.5f;
            labels[r] = r % 4;
        }
        float[][] queries = new float[15][6];
        for (float[] q : queries) {
            for (int d = 0; d < 6; d++) {
                q[d] = rnd.nextInt(3) - 1;
            }
        }
        List<String> names = List.of("a", "b", "c", "d");
        for (Metric metric : Metric.values()) {
            KnnIndex.Neighbors whole = KnnIndex.build(refs, labels, names, metric).search(queries, 5);
            KnnIndex.Neighbors merged = null;
            for (int r0 = 0; r0 < 40; r0 += 7) {
                int r1 = Math.min(40, r0 + 7);
                KnnIndex part = KnnIndex.build(Arrays.copyOfRange(refs, r0, r1), Arrays.copyOfRange(labels, r0, r1), names,
                        metric);
                KnnIndex.Neighbors found = part.search(queries, 5);
                merged = merged == null ? found : merged.mergedWith(found, r0, 5);
            }
            for (int q = 0; q < queries.length; q++) {
                assertArrayEquals(whole.indices()[q], merged.indices()[q], metric + " query " + q);
                assertArrayEquals(whole.distances()[q], merged.distances()[q], 1e-6f, metric + " query " + q);
            }
            Prediction[] a = KnnIndex.vote(whole, labels, names, Vote.MAJORITY);
            Prediction[] b = KnnIndex.vote(merged, labels, names, Vote.MAJORITY);
            for (int q = 0; q < queries.length; q++) {
                assertEquals(a[q].label(), b[q].label());
            }
        }
    }

    @Test
    void exactSearchMatchesBruteForceAcrossBlocks() {
        // 2,500 references span three reference blocks; 45 queries span several query blocks.
        float[][] refs = randomRows(31, 2500, 24, -1f, 1f);
        float[][] queries = randomRows(32, 45, 24, -1f, 1f);
        int[] labels = randomLabels(33, refs.length, 4);
        for (Metric metric : Metric.values()) {
            KnnIndex index = KnnIndex.build(refs, labels, List.of("a", "b", "c", "d"), metric);
            KnnIndex.Neighbors nn = index.search(queries, 7);
            for (int q = 0; q < queries.length; q++) {
                double[] d = bruteForce(refs, queries[q], metric);
                Integer[] order = IntStream.range(0, refs.length).boxed().toArray(Integer[]::new);
                Arrays.sort(order, Comparator.comparingDouble(i -> d[i]));
                for (int j = 0; j < 7; j++) {
                    assertEquals(d[order[j]], nn.distances()[q][j], 1e-4, metric + " query " + q + " rank " + j);
                    // The returned index must really be at the returned distance (ties may swap indices).
                    assertEquals(d[nn.indices()[q][j]], nn.distances()[q][j], 1e-4, metric + " query " + q + " rank " + j);
                }
                assertEquals(7, Arrays.stream(nn.indices()[q]).distinct().count());
            }
        }
    }

    @Test
    void majorityAndDistanceWeightedVotesDiffer() {
        float[][] refs = {{0f}, {1f}, {1.1f}};
        int[] labels = {0, 1, 1};
        KnnIndex index = KnnIndex.build(refs, labels, List.of("near", "far"), Metric.EUCLIDEAN);
        Prediction majority = index.predict(new float[][] {{0.05f}}, 3, Vote.MAJORITY)[0];
        assertEquals(1, majority.label());
        assertEquals("far", majority.className());
        assertEquals(2f / 3f, majority.score(), 1e-6f);
        assertArrayEquals(new int[] {0, 1, 2}, majority.neighbors());

        Prediction weighted = index.predict(new float[][] {{0.05f}}, 3, Vote.DISTANCE_WEIGHTED)[0];
        assertEquals(0, weighted.label());
        double w0 = 1 / (0.05 + 1e-6), w1 = 1 / (0.95 + 1e-6) + 1 / (1.05 + 1e-6);
        assertEquals(w0 / (w0 + w1), weighted.score(), 1e-4);
    }

    @Test
    void majorityTieGoesToTheNearestNeighboursClass() {
        float[][] refs = {{0f, 1f}, {1f, 0f}, {0.9f, 0.1f}, {0.1f, 0.9f}};
        KnnIndex index = KnnIndex.build(refs, new int[] {0, 1, 1, 0}, List.of("x", "y"), Metric.COSINE);
        Prediction p = index.predict(new float[][] {{0.8f, 0.2f}}, 4, Vote.MAJORITY)[0];
        assertEquals(1, p.label());
        assertEquals(0.5f, p.score(), 1e-6f);
    }

    @Test
    void kLargerThanTheIndexUsesAllReferences() {
        KnnIndex index = KnnIndex.build(new float[][] {{1f, 0f}, {0f, 1f}}, new int[] {0, 1}, List.of(), Metric.COSINE);
        Prediction p = index.predict(new float[][] {{1f, 0.1f}}, 10, Vote.MAJORITY)[0];
        assertEquals(2, p.neighbors().length);
        assertEquals("0", p.className());
        assertEquals(0f, index.search(new float[][] {{2f, 0f}}, 1).distances()[0][0], 1e-6f);
    }

    @Test
    void saveLoadRoundTripKeepsEverything() throws IOException {
        float[][] refs = randomRows(41, 300, 16, -1f, 1f);
        int[] labels = randomLabels(42, 300, 3);
        ModelFingerprint fp = new ModelFingerprint("ab".repeat(32), "embedding", true);
        KnnIndex index = KnnIndex.build(refs, labels, List.of("cat", "dög", "bird"), Metric.EUCLIDEAN, fp, 3,
                Vote.DISTANCE_WEIGHTED);
        Path file = tmp.resolve("sub/ref.idx");
        index.save(file);
        KnnIndex loaded = KnnIndex.load(file);
        assertEquals(Metric.EUCLIDEAN, loaded.metric());
        assertEquals(16, loaded.dim());
        assertEquals(300, loaded.size());
        assertEquals(3, loaded.defaultK());
        assertEquals(Vote.DISTANCE_WEIGHTED, loaded.defaultVote());
        assertEquals(List.of("cat", "dög", "bird"), loaded.classNames());
        assertEquals(fp, loaded.fingerprint().orElseThrow());
        assertArrayEquals(labels, loaded.labels());
        float[][] queries = randomRows(43, 20, 16, -1f, 1f);
        Prediction[] a = index.predict(queries);
        Prediction[] b = loaded.predict(queries);
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i].label(), b[i].label());
            assertEquals(a[i].score(), b[i].score());
            assertArrayEquals(a[i].neighbors(), b[i].neighbors());
        }
        try (var files = Files.list(file.getParent())) {
            assertEquals(List.of(file), files.toList(), "no temporary files left behind");
        }
    }

    @Test
    void damagedFilesGiveClearErrors() throws IOException {
        KnnIndex index = KnnIndex.build(randomRows(51, 50, 8, -1f, 1f), randomLabels(52, 50, 2), List.of(),
                Metric.COSINE);
        Path file = tmp.resolve("ref.idx");
        index.save(file);
        byte[] good = Files.readAllBytes(file);

        byte[] flipped = good.clone();
        flipped[good.length - 100] ^= 0x10;
        assertLoadFails(flipped, "checksum mismatch");

        assertLoadFails(Arrays.copyOf(good, good.length - 37), "truncated k-NN index");

        byte[] magic = good.clone();
        magic[0] = 'X';
        assertLoadFails(magic, "not a contrastive4j k-NN index");

        byte[] version = good.clone();
        version[11] = 9;
        assertLoadFails(version, "unsupported k-NN index format version 9");

        byte[] longer = Arrays.copyOf(good, good.length + 3);
        assertLoadFails(longer, "trailing bytes");

        assertLoadFails(new byte[0], "not a contrastive4j k-NN index");
    }

    private void assertLoadFails(byte[] content, String expected) throws IOException {
        Path bad = tmp.resolve("bad.idx");
        Files.write(bad, content);
        IOException ex = assertThrows(IOException.class, () -> KnnIndex.load(bad));
        assertTrue(ex.getMessage().contains(expected), ex.getMessage());
        assertTrue(ex.getMessage().contains(bad.toString()), ex.getMessage());
    }

    @Test
    void badBuildAndQueryInputsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> KnnIndex.build(new float[0][], new int[0], List.of(), Metric.COSINE));
        assertThrows(IllegalArgumentException.class,
                () -> KnnIndex.build(new float[][] {{1f}, {1f, 2f}}, new int[] {0, 1}, List.of(), Metric.COSINE));
        assertThrows(IllegalArgumentException.class,
                () -> KnnIndex.build(new float[][] {{Float.NaN}}, new int[] {0}, List.of(), Metric.COSINE));
        KnnIndex index = KnnIndex.build(new float[][] {{1f, 0f}}, new int[] {0}, List.of(), Metric.COSINE);
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> index.predict(new float[][] {{1f}}));
        assertTrue(ex.getMessage().contains("index holds 2-dimensional embeddings"), ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> index.predict(new float[][] {{1f, 0f}}, 0, Vote.MAJORITY));
    }
}
