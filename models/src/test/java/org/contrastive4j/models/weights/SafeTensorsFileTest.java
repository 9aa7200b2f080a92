package org.contrastive4j.models.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsFileTest {

    @TempDir
    Path dir;

    private static byte[] le16(int... halves) {
        ByteBuffer b = ByteBuffer.allocate(2 * halves.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int h : halves) {
            b.putShort((short) h);
        }
        return b.array();
    }

    @Test
    void readsEveryFloatTypeAsFloat32() throws IOException {
        ByteBuffer f64 = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putDouble(0.1).putDouble(-3e10);
        Path file = dir.resolve("t.safetensors");
        new SafeTensorsWriter()
                .putF32("a", new long[] {2, 2}, 1f, -2.5f, 3e-8f, Float.MAX_VALUE)
                // binary16: 1, -2, 65504 (max), 2^-24 (smallest subnormal), -0, +inf, 2^-14 (smallest normal)
                .put("h", new SafeTensorsWriter.Raw("F16", new long[] {7}, le16(0x3c00, 0xc000, 0x7bff, 0x0001, 0x8000, 0x7c00,
                        0x0400)))
                // bfloat16: the upper halves of float32 1.0, 3.140625, -2^-126
                .put("b", new SafeTensorsWriter.Raw("BF16", new long[] {3}, le16(0x3f80, 0x4049, 0x8080)))
                .put("d", new SafeTensorsWriter.Raw("F64", new long[] {2}, f64.array()))
                .put("n", new SafeTensorsWriter.Raw("I64", new long[] {}, new byte[8]))
                .write(file);
        try (WeightFile w = WeightFile.open(file)) {
            assertEquals("safetensors", w.format());
            assertEquals(List.of("a", "h", "b", "d", "n"), List.copyOf(w.tensors().keySet()));
            assertArrayEquals(new long[] {2, 2}, w.tensors().get("a").shape());
            assertEquals(DType.I64, w.tensors().get("n").dtype());
            assertArrayEquals(new float[] {1f, -2.5f, 3e-8f, Float.MAX_VALUE}, w.floats("a"));
            assertArrayEquals(new float[] {1f, -2f, 65504f, 0x1p-24f, -0f, Float.POSITIVE_INFINITY, 0x1p-14f}, w.floats("h"));
            assertTrue(Float.floatToIntBits(w.floats("h")[4]) == Float.floatToIntBits(-0f), "negative zero keeps its sign");
            assertArrayEquals(new float[] {1f, 3.140625f, -0x1p-126f}, w.floats("b"));
            assertArrayEquals(new float[] {0.1f, -3e10f}, w.floats("d"));
            IOException notFloat = assertThrows(IOException.class, () -> w.floats("n"));
            assertTrue(notFloat.getMessage().contains("'n' is I64"), notFloat.getMessage());
        }
    }

    @Test
    void halfPrecisionNaNStaysNaN() {
        assertTrue(Float.isNaN(DType.halfToFloat((short) 0x7e00)));
        assertEquals(-65504f, DType.halfToFloat((short) 0xfbff));
        assertEquals(0.333251953125f, DType.halfToFloat((short) 0x3555));
    }

    @Test
    void metadataAndPaddedHeaderAreAccepted() throws IOException {
        SafeTensorsWriter w = new SafeTensorsWriter().putF32("x", new long[] {1}, 4f);
        String header = w.header().replaceFirst("\\{", "{\"__metadata__\":{\"format\":\"pt\"},") + "      ";
        Path file = dir.resolve("m.safetensors");
        w.write(file, header);
        try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
            assertEquals(Map.of("format", "pt"), f.metadata());
            assertArrayEquals(new float[] {4f}, f.floats("x"));
        }
    }

    /** Writes {@code header} (with one 4-byte tensor of data) and expects an error naming the file and {@code words}. */
    private void refused(String header, String words) throws IOException {
        Path file = dir.resolve("bad.safetensors");
        new SafeTensorsWriter().putF32("x", new long[] {1}, 1f).write(file, header);
        refusedFile(file, words);
    }

    private static void refusedFile(Path file, String words) {
        IOException e = assertThrows(IOException.class, () -> {
            try (WeightFile w = WeightFile.open(file)) {
                w.tensors();
            }
        });
        assertTrue(e.getMessage().startsWith(file.toString() + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(words), "expected '" + words + "' in: " + e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }

    @Test
    void untrustedHeadersAreRefusedWithOneLineNamingTheFile() throws IOException {
        refused("[1, 2]", "must be a JSON object");
        refused("{\"x\": ", "not valid JSON");
        refused("{\"x\": 3}", "header entry is not a JSON object");
        refused("{\"x\": {\"shape\": [1], \"data_offsets\": [0, 4]}}", "'dtype' is missing");
        refused("{\"x\": {\"dtype\": \"F24\", \"shape\": [1], \"data_offsets\": [0, 4]}}", "unknown dtype 'F24'");
        refused("{\"x\": {\"dtype\": \"F32\", \"shape\": [-1], \"data_offsets\": [0, 4]}}", "is not a non-negative integer");
        refused("{\"x\": {\"dtype\": \"F32\", \"shape\": [1.5], \"data_offsets\": [0, 4]}}", "is not a non-negative integer");
        refused("{\"x\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0]}}", "array of 2 integers");
        refused("{\"x\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 8]}}", "lie outside the 4 data bytes");
        refused("{\"x\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [4, 0]}}", "lie outside");
        refused("{\"x\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 4]}}", "needs 8 bytes, data_offsets give 4");
        refused("{\"x\": {\"dtype\": \"F32\", \"shape\": [4611686018427387904, 4], \"data_offsets\": [0, 4]}}", "too large");
        refused("{\"x\": {\"dtype\": \"F16\", \"shape\": [2], \"data_offsets\": [0, 4]}, "
                + "\"y\": {\"dtype\": \"F16\", \"shape\": [1], \"data_offsets\": [2, 4]}}", "overlap");
        refused("{\"__metadata__\": {\"a\": 1}}", "__metadata__ value 'a' is not a string");
    }

    @Test
    void headerLengthIsCheckedAgainstTheFileBeforeReading() throws IOException {
        Path tiny = dir.resolve("tiny.safetensors");
        Files.write(tiny, new byte[] {1, 2, 3});
        refusedFile(tiny, "shorter than the 8-byte header length");

        Path huge = dir.resolve("huge.safetensors");
        // 2^62 bytes of header in a 16-byte file: refused before any allocation
        Files.write(huge, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 62).putLong(0).array());
        refusedFile(huge, "header length 4611686018427387904 does not fit in the file's 16 bytes");

        Path negative = dir.resolve("negative.safetensors");
        Files.write(negative, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-8).putLong(0).array());
        refusedFile(negative, "header length 18446744073709551608 does not fit");

        Path latin1 = dir.resolve("latin1.safetensors");
        byte[] h = {'{', '"', (byte) 0xe9, '"', ':', '1', '}', ' '};
        Files.write(latin1, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(8).put(h).array());
        refusedFile(latin1, "not UTF-8");
    }

    @Test
    void missingFileIsNamed() {
        Path none = dir.resolve("none.safetensors");
        IOException e = assertThrows(IOException.class, () -> WeightFile.open(none));
        assertTrue(e.getMessage().contains(none.toString()), e.getMessage());
    }
}
