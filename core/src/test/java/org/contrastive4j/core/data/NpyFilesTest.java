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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyFilesTest {

    @TempDir
    Path tmp;

    /** Builds an .npy file by hand (independently of the writer) with the given header dict and payload. */
    static byte[] npy(String dict, byte[] payload) {
        String text = dict;
        int total = 10 + text.length() + 1;
        text = text + " ".repeat((64 - total % 64) % 64) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + text.length() + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        b.putShort((short) text.length()).put(text.getBytes(StandardCharsets.US_ASCII)).put(payload);
        return b.array();
    }

    @Test
    void float32RoundTripKeepsShapeAndValues() throws IOException {
        float[] v = {1.5f, -2.25f, 3e-7f, 42f, 0f, -0f};
        Path p = tmp.resolve("a.npy");
        NpyFiles.write(p, new int[] {2, 3}, v);
        NpyFiles.NpyArray a = NpyFiles.read(p);
        assertArrayEquals(new int[] {2, 3}, a.shape());
        assertArrayEquals(v, a.values());
        assertEquals("<f4", a.dtype());
        assertEquals(0, (Files.size(p) - 24) % 64, "header padded to a multiple of 64 bytes");
    }

    @Test
    void oneDimensionalShapeUsesPythonTupleSyntax() throws IOException {
        Path p = tmp.resolve("v.npy");
        NpyFiles.writeInts(p, new int[] {3}, new int[] {7, -1, 2});
        String head = new String(Files.readAllBytes(p), 10, 60, StandardCharsets.US_ASCII);
        assertTrue(head.contains("'shape': (3,)"), head);
        assertArrayEquals(new int[] {7, -1, 2}, NpyFiles.readInts(p));
        assertArrayEquals(new int[] {3}, NpyFiles.shape(p));
    }

    @Test
    void readsBigEndianFloat64() throws IOException {
        ByteBuffer data = ByteBuffer.allocate(32).order(ByteOrder.BIG_ENDIAN);
        data.putDouble(1.25).putDouble(-3.5).putDouble(1e10).putDouble(0.1);
        Path p = tmp.resolve("be.npy");
        Files.write(p, npy("{'descr': '>f8', 'fortran_order': False, 'shape': (2, 2), }", data.array()));
        NpyFiles.NpyArray a = NpyFiles.read(p);
        assertArrayEquals(new int[] {2, 2}, a.shape());
        assertArrayEquals(new float[] {1.25f, -3.5f, 1e10f, 0.1f}, a.values());
    }

    @Test
    void readsUint8AndInt64() throws IOException {
        Path u8 = tmp.resolve("u8.npy");
        Files.write(u8, npy("{'descr': '|u1', 'fortran_order': False, 'shape': (4,), }", new byte[] {0, 1, (byte) 200, (byte) 255}));
        assertArrayEquals(new float[] {0, 1, 200, 255}, NpyFiles.read(u8).values());
        assertTrue(NpyFiles.read(u8).integral());

        ByteBuffer data = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        data.putLong(9).putLong(-4).putLong(123456789L);
        Path i8 = tmp.resolve("i8.npy");
        Files.write(i8, npy("{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }", data.array()));
        assertArrayEquals(new int[] {9, -4, 123456789}, NpyFiles.readInts(i8));
    }

    @Test
    void rejectsFortranOrder() throws IOException {
        Path p = tmp.resolve("f.npy");
        Files.write(p, npy("{'descr': '<f4', 'fortran_order': True, 'shape': (1, 1), }", new byte[4]));
        IOException e = assertThrows(IOException.class, () -> NpyFiles.read(p));
        assertTrue(e.getMessage().contains("f.npy") && e.getMessage().contains("Fortran"), e.getMessage());
    }

    @Test
    void rejectsTruncatedData() throws IOException {
        Path p = tmp.resolve("t.npy");
        Files.write(p, npy("{'descr': '<f4', 'fortran_order': False, 'shape': (10, 3), }", new byte[100]));
        IOException e = assertThrows(IOException.class, () -> NpyFiles.read(p));
        assertTrue(e.getMessage().contains("t.npy") && e.getMessage().contains("truncated")
                && e.getMessage().contains("120 bytes"), e.getMessage());
    }

    @Test
    void rejectsTrailingBytesBadMagicAndUnsupportedDtype() throws IOException {
        Path trailing = tmp.resolve("x.npy");
        Files.write(trailing, npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", new byte[6]));
        assertTrue(assertThrows(IOException.class, () -> NpyFiles.read(trailing)).getMessage().contains("trailing"));

        Path magic = tmp.resolve("m.npy");
        Files.writeString(magic, "just text, not numpy");
        assertTrue(assertThrows(IOException.class, () -> NpyFiles.read(magic)).getMessage().contains("not a NumPy"));

        Path complex = tmp.resolve("c.npy");
        Files.write(complex, npy("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", new byte[8]));
        IOException e = assertThrows(IOException.class, () -> NpyFiles.read(complex));
        assertTrue(e.getMessage().contains("unsupported NPY dtype '<c8'"), e.getMessage());
    }

    @Test
    void readIntsRejectsFractionalValues() throws IOException {
        Path p = tmp.resolve("frac.npy");
        NpyFiles.write(p, new int[] {2}, new float[] {1f, 1.5f});
        IOException e = assertThrows(IOException.class, () -> NpyFiles.readInts(p));
        assertTrue(e.getMessage().contains("index 1"), e.getMessage());
    }

    @Test
    void writeRejectsShapeMismatch() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NpyFiles.write(tmp.resolve("bad.npy"), new int[] {2, 2}, new float[3]));
        assertTrue(e.getMessage().contains("[2, 2]"), e.getMessage());
        assertTrue(Arrays.stream(tmp.toFile().list()).noneMatch(n -> n.startsWith("bad")), "nothing written");
    }
}
