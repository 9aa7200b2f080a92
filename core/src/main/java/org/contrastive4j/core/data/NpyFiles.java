package org.contrastive4j.core.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.contrastive4j.core.files.AtomicFiles;

/**
 * Reads and writes NumPy {@code .npy} files (format versions 1 to 3).
 *
 * <p>Reading accepts C-ordered arrays of float32/float64, signed and unsigned integers of 1 to 8 bytes, and bool,
 * in either byte order; values are returned as float32 (integers beyond 2^24 lose precision, which is why labels go
 * through {@link #readInts}). Fortran-ordered arrays are rejected rather than silently transposed. Writing produces
 * little-endian float32 (data) or int64 (labels, numpy's default integer) files, atomically.
 */
public final class NpyFiles {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    /** A decoded array: its shape (empty for a scalar), its dtype string, and its values as float32. */
    public record NpyArray(Path path, int[] shape, String dtype, float[] values) {
        /** True when the stored dtype was an integer or bool type (values are exact up to 2^24). */
        public boolean integral() {
            char kind = dtype.charAt(1);
            return kind == 'i' || kind == 'u' || kind == 'b';
        }
    }

    private record Header(int[] shape, ByteOrder order, char kind, int itemSize, String descr, int dataOffset,
                          long count) {}

    private NpyFiles() {}

    public static NpyArray read(Path path) throws IOException {
        byte[] bytes = readAll(path);
        Header h = header(path, bytes);
        ByteBuffer buf = ByteBuffer.wrap(bytes, h.dataOffset, bytes.length - h.dataOffset).slice().order(h.order);
        float[] out = new float[(int) h.count];
        switch (h.kind) {
            case 'f' -> {
                if (h.itemSize == 4) {
                    buf.asFloatBuffer().get(out);
                } else {
                    var db = buf.asDoubleBuffer();
                    for (int i = 0; i < out.length; i++) {
                        out[i] = (float) db.get(i);
                    }
                }
            }
            case 'i', 'u', 'b' -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = (float) integerAt(buf, i, h);
                }
            }
            default -> throw new IllegalStateException("unreachable dtype kind " + h.kind);
        }
        return new NpyArray(path, h.shape, h.descr, out);
    }

    /** Reads an integer (or integral-valued float) array exactly, e.g. a label vector. */
    public static int[] readInts(Path path) throws IOException {
        byte[] bytes = readAll(path);
        Header h = header(path, bytes);
        ByteBuffer buf = ByteBuffer.wrap(bytes, h.dataOffset, bytes.length - h.dataOffset).slice().order(h.order);
        int[] out = new int[(int) h.count];
        for (int i = 0; i < out.length; i++) {
            double v = h.kind == 'f'
                    ? (h.itemSize == 4 ? buf.getFloat(i * 4) : buf.getDouble(i * 8))
                    : integerAt(buf, i, h);
            if (v != Math.rint(v) || v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                throw new IOException(path + ": value " + v + " at index " + i + " is not an int32 integer");
            }
            out[i] = (int) v;
        }
        return out;
    }

    /** Shape of the array in a file, from its header alone. */
    public static int[] shape(Path path) throws IOException {
        return header(path, readAll(path)).shape.clone();
    }

    /** Writes a little-endian float32 C-ordered array. */
    public static void write(Path path, int[] shape, float[] values) throws IOException {
        checkCount(shape, values.length);
        byte[] head = headerBytes("<f4", shape);
        ByteBuffer data = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        data.asFloatBuffer().put(values);
        AtomicFiles.write(path, out -> {
            out.write(head);
            out.write(data.array());
        });
    }

    /** Writes a 2-D float32 array from rows of equal length. */
    public static void write(Path path, float[][] rows) throws IOException {
        int d = rows.length == 0 ? 0 : rows[0].length;
        float[] flat = new float[Math.multiplyExact(rows.length, d)];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != d) {
                throw new IllegalArgumentException("row " + i + " has " + rows[i].length + " values, row 0 has " + d);
            }
            System.arraycopy(rows[i], 0, flat, i * d, d);
        }
        write(path, new int[] {rows.length, d}, flat);
    }

    /** Writes a little-endian int64 C-ordered array (numpy's default integer type). */
    public static void writeInts(Path path, int[] shape, int[] values) throws IOException {
        checkCount(shape, values.length);
        byte[] head = headerBytes("<i8", shape);
        ByteBuffer data = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            data.putLong(v);
        }
        AtomicFiles.write(path, out -> {
            out.write(head);
            out.write(data.array());
        });
    }

    private static void checkCount(int[] shape, int count) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n *= d;
        }
        if (n != count) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + n + " values, got " + count);
        }
    }

    static byte[] headerBytes(String descr, int[] shape) {
        StringBuilder dims = new StringBuilder();
        for (int d : shape) {
            dims.append(d).append(", ");
        }
        if (shape.length > 1) {
            dims.setLength(dims.length() - 2);
        } else if (shape.length == 0) {
            dims.setLength(0);
        }
        // A 1-tuple keeps its trailing comma, as Python requires: (5,)
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + dims.toString().trim() + "), }";
        int unpadded = MAGIC.length + 2 + 2 + dict.length() + 1;
        int pad = (64 - unpadded % 64) % 64;
        String text = dict + " ".repeat(pad) + "\n";
        byte[] textBytes = text.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(MAGIC.length + 4 + textBytes.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) textBytes.length).put(textBytes);
        return b.array();
    }

    private static byte[] readAll(Path path) throws IOException {
        if (!Files.isRegularFile(path)) {
            throw new NoSuchFileException(path.toString(), null, "NPY file not found");
        }
        long size = Files.size(path);
        if (size > Integer.MAX_VALUE - 64) {
            throw new IOException(path + ": " + size + " bytes is too large for one NPY array (limit 2 GB)");
        }
        return Files.readAllBytes(path);
    }

    private static Header header(Path path, byte[] bytes) throws IOException {
        if (bytes.length < 10 || !Arrays.equals(Arrays.copyOf(bytes, 6), MAGIC)) {
            throw new IOException(path + ": not a NumPy .npy file (missing the \\x93NUMPY magic)");
        }
        int major = bytes[6] & 0xFF;
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int headerLen;
        int start;
        if (major == 1) {
            headerLen = b.getShort(8) & 0xFFFF;
            start = 10;
        } else if (major == 2 || major == 3) {
            if (bytes.length < 12) {
                throw new IOException(path + ": truncated NPY header");
            }
            headerLen = b.getInt(8);
            start = 12;
        } else {
            throw new IOException(path + ": unsupported NPY format version " + major + " (supported: 1, 2, 3)");
        }
        if (headerLen < 0 || start + (long) headerLen > bytes.length) {
            throw new IOException(path + ": truncated NPY header (announces " + headerLen + " bytes)");
        }
        String text = new String(bytes, start, headerLen, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Matcher md = DESCR.matcher(text);
        Matcher mf = FORTRAN.matcher(text);
        Matcher ms = SHAPE.matcher(text);
        if (!md.find() || !mf.find() || !ms.find()) {
            throw new IOException(path + ": malformed NPY header " + text.trim()
                    + " (expected 'descr', 'fortran_order' and 'shape'; structured dtypes are not supported)");
        }
        if (mf.group(1).equals("True")) {
            throw new IOException(path + ": Fortran-ordered (column-major) arrays are not supported; save it with "
                    + "numpy.ascontiguousarray(a) first");
        }
        String descr = md.group(1);
        if (descr.length() < 3) {
            throw new IOException(path + ": unsupported NPY dtype '" + descr + "'");
        }
        char endian = descr.charAt(0);
        char kind = descr.charAt(1);
        int itemSize;
        try {
            itemSize = Integer.parseInt(descr.substring(2));
        } catch (NumberFormatException e) {
            throw new IOException(path + ": unsupported NPY dtype '" + descr + "'");
        }
        boolean supported = switch (kind) {
            case 'f' -> itemSize == 4 || itemSize == 8;
            case 'i', 'u' -> itemSize == 1 || itemSize == 2 || itemSize == 4 || itemSize == 8;
            case 'b' -> itemSize == 1;
            default -> false;
        };
        if (!supported || (endian != '<' && endian != '>' && endian != '|' && endian != '=')) {
            throw new IOException(path + ": unsupported NPY dtype '" + descr
                    + "' (supported: float32, float64, int8..int64, uint8..uint64, bool)");
        }
        ByteOrder order = endian == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        String dimsText = ms.group(1).trim();
        int[] shape;
        if (dimsText.isEmpty()) {
            shape = new int[0];
        } else {
            String[] parts = dimsText.split(",");
            int n = parts[parts.length - 1].isBlank() ? parts.length - 1 : parts.length;
            shape = new int[n];
            for (int i = 0; i < n; i++) {
                try {
                    long d = Long.parseLong(parts[i].trim().replace("L", ""));
                    if (d < 0 || d > Integer.MAX_VALUE) {
                        throw new NumberFormatException();
                    }
                    shape[i] = (int) d;
                } catch (NumberFormatException e) {
                    throw new IOException(path + ": bad dimension '" + parts[i].trim() + "' in NPY shape (" + dimsText + ")");
                }
            }
        }
        long count = 1;
        for (int d : shape) {
            count *= d;
        }
        int dataOffset = start + headerLen;
        long expected = count * itemSize;
        long actual = bytes.length - (long) dataOffset;
        if (actual < expected) {
            throw new IOException(path + ": truncated NPY data (shape " + Arrays.toString(shape) + " of " + descr
                    + " needs " + expected + " bytes, file holds " + actual + ")");
        }
        if (actual > expected) {
            throw new IOException(path + ": " + (actual - expected) + " trailing bytes after the NPY data of shape "
                    + Arrays.toString(shape));
        }
        return new Header(shape, order, kind, itemSize, descr, dataOffset, count);
    }

    private static double integerAt(ByteBuffer buf, int i, Header h) {
        boolean unsigned = h.kind == 'u' || h.kind == 'b';
        return switch (h.itemSize) {
            case 1 -> unsigned ? buf.get(i) & 0xFF : buf.get(i);
            case 2 -> unsigned ? buf.getShort(i * 2) & 0xFFFF : buf.getShort(i * 2);
            case 4 -> unsigned ? buf.getInt(i * 4) & 0xFFFFFFFFL : buf.getInt(i * 4);
            default -> {
                long v = buf.getLong(i * 8);
                yield unsigned && v < 0 ? (double) (v >>> 1) * 2.0 + (v & 1) : (double) v;
            }
        };
    }
}
