package org.contrastive4j.core.knn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Index files written by the code of commit 71ac389 (fixtures/format-v1, see its README) still load, with every
 * setting they were written with; a future format version is refused by name. Expected values come from the fixture's
 * README and from the data it was built on, read here independently of the library's readers.
 */
class KnnIndexFormatV1Test {

    @TempDir
    Path tmp;

    private static Path fixture(String name) throws URISyntaxException {
        return Path.of(KnnIndexFormatV1Test.class.getResource("/fixtures/format-v1/" + name).toURI());
    }

    /** The labels of the committed subset's test split, straight from its IDX file (8-byte header, one byte each). */
    private static int[] subsetTestLabels() throws IOException {
        Path file = Path.of(System.getProperty("c4j.home", "."), "data/fashion-mnist-subset/t10k-labels-idx1-ubyte.gz");
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            byte[] all = in.readAllBytes();
            int[] labels = new int[all.length - 8];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = all[8 + i] & 0xff;
            }
            return labels;
        }
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    @Test
    void cosineMajorityIndexLoadsWithItsSettings() throws Exception {
        KnnIndex index = KnnIndex.load(fixture("v1-cosine-majority-k5.idx"));
        assertEquals(Metric.COSINE, index.metric());
        assertEquals(Vote.MAJORITY, index.defaultVote());
        assertEquals(5, index.defaultK());
        assertEquals(1000, index.size());
        assertEquals(16, index.dim());
        assertEquals(List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
                "Ankle boot"), index.classNames());
        assertArrayEquals(subsetTestLabels(), index.labels());
        ModelFingerprint fp = index.fingerprint().orElseThrow();
        assertEquals(sha256(fixture("model.onnx")), fp.modelSha256());
        assertEquals("embedding", fp.outputName());
        assertTrue(fp.l2Normalized());
    }

    @Test
    void euclideanDistanceWeightedIndexLoadsWithItsSettings() throws Exception {
        KnnIndex index = KnnIndex.load(fixture("v1-euclidean-weighted-k3.idx"));
        assertEquals(Metric.EUCLIDEAN, index.metric());
        assertEquals(Vote.DISTANCE_WEIGHTED, index.defaultVote());
        assertEquals(3, index.defaultK());
        assertArrayEquals(subsetTestLabels(), index.labels());
        assertEquals(false, index.fingerprint().orElseThrow().l2Normalized());
        // An index answers for its own rows: each reference is its own nearest neighbour at distance 0.
        KnnIndex.Neighbors n = index.search(new float[][] {firstRow(fixture("v1-euclidean-weighted-k3.idx"))}, 1);
        assertEquals(0, n.indices()[0][0]);
        assertEquals(0f, n.distances()[0][0], 1e-6f);
    }

    /** Row 0's embedding, located from the v1 layout: ... labels, then 1000 x 16 floats, then the CRC32. */
    private static float[] firstRow(Path file) throws IOException {
        byte[] b = Files.readAllBytes(file);
        int rowsStart = b.length - 4 - 4 * 1000 * 16;
        ByteBuffer buf = ByteBuffer.wrap(b, rowsStart, 4 * 16);
        float[] row = new float[16];
        for (int i = 0; i < 16; i++) {
            row[i] = buf.getFloat();
        }
        return row;
    }

    @Test
    void aFutureFormatVersionIsRefusedByName() throws Exception {
        byte[] b = Files.readAllBytes(fixture("v1-cosine-majority-k5.idx"));
        ByteBuffer.wrap(b).putInt(8, 2); // the version field follows the 8-byte magic
        CRC32 crc = new CRC32();
        crc.update(b, 0, b.length - 4);
        ByteBuffer.wrap(b).putInt(b.length - 4, (int) crc.getValue());
        Path future = tmp.resolve("future.idx");
        Files.write(future, b);
        IOException e = assertThrows(IOException.class, () -> KnnIndex.load(future));
        assertTrue(e.getMessage().contains(future.toString()) && e.getMessage().contains("version 2"), e.getMessage());
    }
}
