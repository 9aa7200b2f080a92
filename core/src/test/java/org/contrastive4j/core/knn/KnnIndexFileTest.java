package org.contrastive4j.core.knn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crafted index files: every declared size is checked against the file's real length before anything of that size
 * is allocated. The files are written here byte by byte from the documented v1 layout, not with the library's writer.
 */
class KnnIndexFileTest {

    /** What loading any of the crafted files below may allocate at most (the buffers it needs are 64 KiB). */
    private static final long ALLOCATION_BOUND = 8L << 20;

    @TempDir
    Path tmp;

    /** A v1 file: magic, version, total length, header fields, {@code body}, CRC32 (valid unless told otherwise). */
    private static byte[] v1(int metric, int dim, int count, int k, int vote, int classes, byte[] body) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write("C4JKNNIX".getBytes("US-ASCII"));
        out.writeInt(1);
        out.writeLong(0);
        out.writeInt(metric);
        out.writeInt(dim);
        out.writeInt(count);
        out.writeInt(k);
        out.writeInt(vote);
        out.writeInt(classes);
        out.write(body);
        out.writeInt(0); // CRC placeholder
        byte[] b = bytes.toByteArray();
        ByteBuffer.wrap(b).putLong(12, b.length);
        CRC32 crc = new CRC32();
        crc.update(b, 0, b.length - 4);
        ByteBuffer.wrap(b).putInt(b.length - 4, (int) crc.getValue());
        return b;
    }

    private Path file(String name, byte[] content) throws IOException {
        Path p = tmp.resolve(name);
        Files.write(p, content);
        return p;
    }

    /** Loads, expecting an IOException naming the file and {@code fragment}, and returns the bytes it allocated. */
    private static long failsWithin(Path file, String fragment) {
        ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = mx.getCurrentThreadAllocatedBytes();
        IOException e = assertThrows(IOException.class, () -> KnnIndex.load(file));
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        assertTrue(allocated < ALLOCATION_BOUND, "allocated " + allocated + " bytes for " + file.getFileName());
        return allocated;
    }

    @Test
    void aSmallFileClaiming400MillionClassesAllocatesNothingBig() throws IOException {
        // 95 bytes in all, like the probe: the header says 400,000,000 class names follow.
        byte[] b = v1(0, 4, 1, 5, 0, 400_000_000, new byte[95 - 48]);
        assertEquals(95, b.length);
        failsWithin(file("classes.idx", b), "declares 400000000 classes");
    }

    @Test
    void hugeCountsAndDimensionsAreCheckedAgainstTheFileLength() throws IOException {
        failsWithin(file("count.idx", v1(0, 1024, 1 << 30, 5, 0, 1, new byte[16])), "1073741824 embeddings of dimension 1024");
        failsWithin(file("dim.idx", v1(1, Integer.MAX_VALUE, 2, 5, 0, 0, new byte[16])), "dimension 2147483647");
        failsWithin(file("negative.idx", v1(0, 4, -3, 5, 0, 1, new byte[16])), "count -3");
        failsWithin(file("classes-negative.idx", v1(0, 4, 1, 5, 0, -1, new byte[16])), "classes -1");
        failsWithin(file("metric.idx", v1(7, 4, 1, 5, 0, 1, new byte[16])), "unknown metric code 7");
    }

    @Test
    void aDeclaredTotalLengthBeyondTheFileIsTruncation() throws IOException {
        byte[] b = v1(0, 4, 1, 5, 0, 1, new byte[16]);
        ByteBuffer.wrap(b).putLong(12, Long.MAX_VALUE / 2);
        failsWithin(file("total.idx", b), "truncated k-NN index");
    }

    @Test
    void aLargeFileThatIsNotAnIndexIsNotReadIntoMemory() throws IOException {
        Path big = tmp.resolve("big.idx");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(64L << 20); // 64 MiB of zeros (sparse where the file system allows)
        }
        failsWithin(big, "not a contrastive4j k-NN index");
        // The same size behind a valid prefix: the checksum pass streams through it with a small buffer.
        byte[] head = v1(0, 4, 1, 5, 0, 1, new byte[16]);
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.write(head, 0, 20);
            f.seek(12);
            f.writeLong(64L << 20);
        }
        failsWithin(big, "checksum mismatch");
    }

    @Test
    void labelsOutsideTheClassesAreCorruption() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(body);
        out.writeUTF("only");
        out.writeBoolean(false);
        out.writeInt(3); // label 3 of 1 class
        for (int d = 0; d < 2; d++) {
            out.writeFloat(1f);
        }
        failsWithin(file("label.idx", v1(0, 2, 1, 1, 0, 1, body.toByteArray())), "label 3 of embedding 0 outside 0..0");
    }

    @Test
    void aHandWrittenValidFileLoads() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(body);
        out.writeUTF("a");
        out.writeUTF("b");
        out.writeBoolean(true);
        out.writeUTF("0123456789abcdef".repeat(4));
        out.writeUTF("projection");
        out.writeBoolean(true);
        out.writeInt(1);
        out.writeInt(0);
        float[][] rows = {{1f, 0f}, {0f, 2f}};
        for (float[] r : rows) {
            for (float v : r) {
                out.writeFloat(v);
            }
        }
        KnnIndex index = KnnIndex.load(file("ok.idx", v1(1, 2, 2, 1, 1, 2, body.toByteArray())));
        assertEquals(Metric.EUCLIDEAN, index.metric());
        assertEquals(Vote.DISTANCE_WEIGHTED, index.defaultVote());
        assertEquals(List.of("a", "b"), index.classNames());
        assertEquals("projection", index.fingerprint().orElseThrow().outputName());
        assertEquals(List.of(1, 0), List.of(index.labels()[0], index.labels()[1]));
        Prediction p = index.predict(new float[][] {{0f, 1.9f}}, 1, Vote.MAJORITY)[0];
        assertEquals("a", p.className()); // the nearest row is (0, 2), labelled 0 = "a"
        assertEquals(0.1f, p.distances()[0], 1e-6f);
    }
}
