package org.contrastive4j.core.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files (the MNIST / Fashion-MNIST format), plain or gzipped (detected from the content, not the name).
 *
 * <p>Format: two zero bytes, a type code (0x08 ubyte, 0x09 byte, 0x0B short, 0x0C int, 0x0D float, 0x0E double),
 * the number of dimensions, then one big-endian int32 per dimension, then the data in row-major order. Every
 * malformed file gives an {@link IOException} naming the file and what is wrong.
 */
public final class IdxReader {

    /** A decoded IDX array: its dimensions and its values as doubles-free floats (ubyte values stay 0..255). */
    public record IdxArray(Path path, int[] dims, float[] values) {
        public int count() {
            return dims[0];
        }
    }

    private IdxReader() {}

    public static IdxArray read(Path path) throws IOException {
        if (!Files.isRegularFile(path)) {
            throw new NoSuchFileException(path.toString(), null, "IDX file not found");
        }
        long fileSize = Files.size(path);
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(path))) {
            raw.mark(2);
            int b0 = raw.read();
            int b1 = raw.read();
            raw.reset();
            if (b0 != 0x1f || b1 != 0x8b) {
                return decode(path, new DataInputStream(raw), fileSize);
            }
            GZIPInputStream gz = new GZIPInputStream(raw, 1 << 16);
            try {
                return decode(path, new DataInputStream(new BufferedInputStream(gz, 1 << 16)), -1);
            } catch (ZipException | EOFException e) {
                throw e;
            } catch (IOException e) {
                // A damaged stream can decode to plausible but wrong bytes; its CRC, checked at the end, tells.
                drainToTheEnd(gz);
                throw e;
            }
        } catch (EOFException e) {
            throw new IOException(path + ": truncated IDX file (ends before the data its header announces)", e);
        } catch (ZipException e) {
            throw new IOException(path + ": corrupt gzip data (" + e.getMessage() + ")", e);
        }
    }

    /** Bytes per value of each IDX type code, or 0 for an unknown code. */
    private static int valueSize(int type) {
        return switch (type) {
            case 0x08, 0x09 -> 1;
            case 0x0B -> 2;
            case 0x0C, 0x0D -> 4;
            case 0x0E -> 8;
            default -> 0;
        };
    }

    /**
     * @param fileSize the file's length for an uncompressed file (the header's sizes are checked against it before
     *     anything is allocated), or -1 for a gzip stream (read incrementally: memory grows with the data that is
     *     really there, never with what the header claims)
     */
    private static IdxArray decode(Path path, DataInputStream in, long fileSize) throws IOException {
        int zero0 = in.readUnsignedByte();
        int zero1 = in.readUnsignedByte();
        int type = in.readUnsignedByte();
        int ndim = in.readUnsignedByte();
        if (zero0 != 0 || zero1 != 0) {
            throw new IOException(path + ": not an IDX file (magic number must start with two zero bytes, found 0x"
                    + Integer.toHexString(zero0) + Integer.toHexString(zero1) + ")");
        }
        int size = valueSize(type);
        if (size == 0) {
            throw new IOException(path + ": unknown IDX data type 0x" + Integer.toHexString(type));
        }
        if (ndim < 1 || ndim > 4) {
            throw new IOException(path + ": unsupported IDX rank " + ndim + " (expected 1 to 4)");
        }
        int[] dims = new int[ndim];
        for (int i = 0; i < ndim; i++) {
            dims[i] = in.readInt();
            if (dims[i] < 0) {
                throw new IOException(path + ": negative dimension " + dims[i] + " in IDX header");
            }
        }
        long total = MemoryLimits.product(dims);
        long dataBytes = total < 0 || total > Long.MAX_VALUE / size ? -1 : total * size;
        if (dataBytes < 0) {
            throw new IOException(path + ": IDX header dimensions " + Arrays.toString(dims) + " multiply beyond any file size");
        }
        if (fileSize >= 0) {
            long expected = 4L + 4L * ndim + dataBytes;
            if (fileSize < expected) {
                throw new IOException(path + ": truncated IDX file (its header " + Arrays.toString(dims) + " announces "
                        + dataBytes + " bytes of data, the file holds " + (fileSize - 4 - 4L * ndim) + ")");
            }
            if (fileSize > expected) {
                throw new IOException(path + ": " + (fileSize - expected) + " trailing bytes after the " + total
                        + " values announced by the IDX header " + Arrays.toString(dims));
            }
        }
        MemoryLimits.check(path, total, Float.BYTES, "the IDX header's " + Arrays.toString(dims) + " values");
        float[] values = readValues(in, type, size, (int) total, fileSize >= 0);
        if (in.read() != -1) {
            if (fileSize < 0) {
                drainToTheEnd(in);
            }
            throw new IOException(path + ": trailing bytes after the " + total + " values announced by the IDX header "
                    + Arrays.toString(dims));
        }
        return new IdxArray(path, dims, values);
    }

    private static final int CHUNK_BYTES = 1 << 20;

    /**
     * Reads {@code total} big-endian values chunk by chunk. When the length was not validated beforehand (gzip), the
     * array starts small and doubles as data arrives, so a header that lies costs at most twice the real data.
     */
    private static float[] readValues(DataInputStream in, int type, int size, int total, boolean lengthKnown)
            throws IOException {
        float[] values = new float[lengthKnown ? total : Math.min(total, CHUNK_BYTES)];
        byte[] chunk = new byte[(int) Math.min((long) total * size, CHUNK_BYTES)];
        ByteBuffer buf = ByteBuffer.wrap(chunk).order(ByteOrder.BIG_ENDIAN);
        int done = 0;
        while (done < total) {
            int n = Math.min(total - done, chunk.length / size);
            in.readFully(chunk, 0, n * size);
            if (done + n > values.length) {
                values = Arrays.copyOf(values, (int) Math.min(total, Math.max(2L * values.length, (long) done + n)));
            }
            for (int i = 0; i < n; i++) {
                values[done + i] = switch (type) {
                    case 0x08 -> chunk[i] & 0xFF;
                    case 0x09 -> chunk[i];
                    case 0x0B -> buf.getShort(2 * i);
                    case 0x0C -> buf.getInt(4 * i);
                    case 0x0D -> buf.getFloat(4 * i);
                    default -> (float) buf.getDouble(8 * i);
                };
            }
            done += n;
        }
        return values;
    }

    /** Reads a gzip stream to its end (at most 4 GiB more) so that a damaged stream fails its CRC check. */
    private static void drainToTheEnd(InputStream in) throws IOException {
        byte[] sink = new byte[1 << 16];
        long left = 1L << 32;
        try {
            for (int r; left > 0 && (r = in.read(sink)) > 0; ) {
                left -= r;
            }
        } catch (EOFException e) {
            throw new ZipException("the gzip stream ends early (" + e.getMessage() + ")");
        }
    }

    /**
     * Reads an image file ([N, H, W] ubyte) and its label file ([N]) into samples of shape [1, H, W] scaled to [0, 1].
     */
    public static Samples readImages(Path images, Path labels, List<String> classNames) throws IOException {
        IdxArray img = read(images);
        if (img.dims().length != 3) {
            throw new IOException(images + ": expected an image file of rank 3 [N, H, W], found rank " + img.dims().length);
        }
        float[] px = img.values();
        for (int i = 0; i < px.length; i++) {
            if (px[i] < 0 || px[i] > 255) {
                throw new IOException(images + ": pixel value " + px[i] + " outside 0..255");
            }
            px[i] /= 255f;
        }
        int[] y = null;
        List<String> names = classNames;
        if (labels != null) {
            IdxArray lab = read(labels);
            if (lab.dims().length != 1) {
                throw new IOException(labels + ": expected a label file of rank 1 [N], found rank " + lab.dims().length);
            }
            if (lab.count() != img.count()) {
                throw new IOException(labels + ": " + lab.count() + " labels but " + images.getFileName() + " holds "
                        + img.count() + " images");
            }
            y = new int[lab.count()];
            int max = -1;
            for (int i = 0; i < y.length; i++) {
                float v = lab.values()[i];
                if (v < 0 || v != Math.rint(v)) {
                    throw new IOException(labels + ": label " + v + " at index " + i + " is not a non-negative integer");
                }
                y[i] = (int) v;
                max = Math.max(max, y[i]);
            }
            if (names == null || names.isEmpty()) {
                names = new ArrayList<>();
                for (int c = 0; c <= max; c++) {
                    names.add(Integer.toString(c));
                }
            } else if (max >= names.size()) {
                throw new IOException(labels + ": label " + max + " but only " + names.size() + " class names");
            }
        }
        return new Samples(images.toString(), px, new int[] {1, img.dims()[1], img.dims()[2]}, y,
                names == null ? List.of() : names);
    }
}
