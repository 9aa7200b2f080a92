package org.contrastive4j.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crafted IDX files: every declared size is checked against the real file (plain) or the data that really arrives
 * (gzip) before it is allocated. Each case bounds the bytes the reading thread allocates.
 */
class IdxReaderTest {

    /** Far below any declared size in these files: reading a 16-byte lie must cost kilobytes, not gigabytes. */
    private static final long BOUND = 16L << 20;

    @TempDir
    Path tmp;

    private Path file(String name, byte[] bytes) throws IOException {
        return Files.write(tmp.resolve(name), bytes);
    }

    /** Reads {@code f}, expecting an IOException whose message names the file and passes {@code check}. */
    private static void refused(Path f, Consumer<String> check) {
        long before = CraftedFiles.allocatedBytes();
        IOException e = assertThrows(IOException.class, () -> IdxReader.read(f));
        long allocated = CraftedFiles.allocatedBytes() - before;
        assertTrue(e.getMessage().startsWith(f.toString() + ": "), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
        check.accept(e.getMessage());
        assertTrue(allocated < BOUND, f.getFileName() + ": allocated " + allocated + " bytes");
    }

    @Test
    void aSixteenByteHeaderClaimingGigabytesIsRefusedBeforeAllocating() throws IOException {
        // 10 x 500 x 500... of ubyte: 2.5 GB announced, no data present.
        byte[] header = CraftedFiles.idxHeader(0x08, 10_000, 500, 500);
        assertEquals(16, header.length);
        refused(file("claim-images-idx3-ubyte", header), m -> assertTrue(m.contains("truncated IDX file")
                && m.contains("announces 2500000000 bytes"), m));
        refused(file("claim-images-idx3-ubyte.gz", CraftedFiles.gzip(header)), m -> assertTrue(
                m.contains("largest array"), m));
        // Within the array limit but still 4 GB of floats: the gzip stream ends at once, so little is allocated.
        refused(file("mid-images-idx3-ubyte.gz", CraftedFiles.gzip(CraftedFiles.idxHeader(0x08, 1000, 1000, 900))),
                m -> assertTrue(m.contains("truncated") || m.contains("GB in memory"), m));
    }

    @Test
    void dimensionsWhoseProductOverflowsAndNegativeOnesAreRefused() throws IOException {
        int max = Integer.MAX_VALUE;
        refused(file("overflow.idx", CraftedFiles.idxHeader(0x0E, max, max, max, max)),
                m -> assertTrue(m.contains("multiply beyond"), m));
        refused(file("negative.idx", CraftedFiles.idxHeader(0x08, 5, -3)), m -> assertTrue(m.contains("negative dimension"), m));
        refused(file("rank.idx", CraftedFiles.idxHeader(0x08, 1, 1, 1, 1, 1)), m -> assertTrue(m.contains("rank 5"), m));
        refused(file("type.idx", CraftedFiles.idxHeader(0x42, 3)), m -> assertTrue(m.contains("unknown IDX data type 0x42"), m));
    }

    @Test
    void aCorruptGzipStreamIsReportedAsCorruptNotAsTrailingBytes() throws IOException {
        // The stream decodes to more bytes than the header announces, and its CRC does not match them: the damage
        // is the corruption, not "trailing bytes".
        byte[] data = CraftedFiles.concat(CraftedFiles.idxHeader(0x08, 4), new byte[] {1, 2, 3, 4, 5, 6});
        byte[] gz = CraftedFiles.gzip(data);
        int crcAt = gz.length - 8;
        gz[crcAt] ^= 0x5A;
        refused(file("bad-crc-labels-idx1-ubyte.gz", gz), m -> assertTrue(m.contains("corrupt gzip"), m));
        // The same content with a correct CRC really has trailing bytes.
        refused(file("trailing-labels-idx1-ubyte.gz", CraftedFiles.gzip(data)), m -> assertTrue(
                m.contains("trailing bytes"), m));
        refused(file("trailing-plain.idx", data), m -> assertTrue(m.contains("2 trailing bytes"), m));
        byte[] cut = CraftedFiles.gzip(CraftedFiles.concat(CraftedFiles.idxHeader(0x08, 4000), new byte[4000]));
        refused(file("cut-labels-idx1-ubyte.gz", Arrays.copyOf(cut, cut.length - 12)),
                m -> assertTrue(m.contains("truncated") || m.contains("corrupt gzip"), m));
    }

    @Test
    void anNpyHeaderWhoseShapeOverflowsIsRefusedByName() throws IOException {
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2147483647, 2147483647, 2147483647, 8), }";
        byte[] text = (dict + " ".repeat(118 - dict.length()) + "\n").getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(10 + text.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) text.length).put(text);
        Path f = file("overflow.npy", b.array());
        long before = CraftedFiles.allocatedBytes();
        IOException e = assertThrows(IOException.class, () -> NpyFiles.read(f));
        assertTrue(e.getMessage().startsWith(f + ": ") && e.getMessage().contains("more values than one array"),
                e.getMessage());
        assertTrue(CraftedFiles.allocatedBytes() - before < BOUND);
    }

    @Test
    void validFilesOfEveryTypeStillRead() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(2 * 4);
        b.putFloat(1.5f).putFloat(-2f);
        Path f = file("floats.idx", CraftedFiles.concat(CraftedFiles.idxHeader(0x0D, 2, 1), b.array()));
        assertArrayEquals(new float[] {1.5f, -2f}, IdxReader.read(f).values());
        ByteBuffer s = ByteBuffer.allocate(6);
        s.putShort((short) -7).putShort((short) 300).putShort((short) 0);
        Path g = file("shorts.idx.gz", CraftedFiles.gzip(CraftedFiles.concat(CraftedFiles.idxHeader(0x0B, 3), s.array())));
        assertArrayEquals(new float[] {-7, 300, 0}, IdxReader.read(g).values());
        // Larger than one read chunk, gzipped: the growing buffer ends exactly at the announced size.
        byte[] px = new byte[3_000_000];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (i * 31);
        }
        Path big = file("big.idx.gz", CraftedFiles.gzip(CraftedFiles.concat(CraftedFiles.idxHeader(0x08, 3000, 1000), px)));
        float[] v = IdxReader.read(big).values();
        assertEquals(px.length, v.length);
        assertEquals(px[2_999_999] & 0xFF, v[2_999_999], 0f);
        assertEquals(px[1_048_577] & 0xFF, v[1_048_577], 0f);
    }
}
