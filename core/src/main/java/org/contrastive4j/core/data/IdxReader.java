package org.contrastive4j.core.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
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
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(path))) {
            InputStream in = raw;
            raw.mark(2);
            int b0 = raw.read();
            int b1 = raw.read();
            raw.reset();
            if (b0 == 0x1f && b1 == 0x8b) {
                in = new BufferedInputStream(new GZIPInputStream(raw, 1 << 16));
            }
            return decode(path, new DataInputStream(in));
        } catch (EOFException e) {
            throw new IOException(path + ": truncated IDX file (ends before the data its header announces)", e);
        } catch (ZipException e) {
            throw new IOException(path + ": corrupt gzip data (" + e.getMessage() + ")", e);
        }
    }

    private static IdxArray decode(Path path, DataInputStream in) throws IOException {
        int zero0 = in.readUnsignedByte();
        int zero1 = in.readUnsignedByte();
        int type = in.readUnsignedByte();
        int ndim = in.readUnsignedByte();
        if (zero0 != 0 || zero1 != 0) {
            throw new IOException(path + ": not an IDX file (magic number must start with two zero bytes, found 0x"
                    + Integer.toHexString(zero0) + Integer.toHexString(zero1) + ")");
        }
        if (ndim < 1 || ndim > 4) {
            throw new IOException(path + ": unsupported IDX rank " + ndim + " (expected 1 to 4)");
        }
        int[] dims = new int[ndim];
        long total = 1;
        for (int i = 0; i < ndim; i++) {
            dims[i] = in.readInt();
            if (dims[i] < 0) {
                throw new IOException(path + ": negative dimension " + dims[i] + " in IDX header");
            }
            total *= dims[i];
        }
        if (total > Integer.MAX_VALUE - 8) {
            throw new IOException(path + ": IDX array of " + total + " values is too large");
        }
        float[] values = new float[(int) total];
        switch (type) {
            case 0x08 -> {
                byte[] buf = new byte[values.length];
                in.readFully(buf);
                for (int i = 0; i < buf.length; i++) {
                    values[i] = buf[i] & 0xFF;
                }
            }
            case 0x09 -> {
                byte[] buf = new byte[values.length];
                in.readFully(buf);
                for (int i = 0; i < buf.length; i++) {
                    values[i] = buf[i];
                }
            }
            case 0x0B -> readEach(values, in::readShort);
            case 0x0C -> readEach(values, in::readInt);
            case 0x0D -> readEach(values, in::readFloat);
            case 0x0E -> readEach(values, in::readDouble);
            default -> throw new IOException(path + ": unknown IDX data type 0x" + Integer.toHexString(type));
        }
        if (in.read() != -1) {
            throw new IOException(path + ": trailing bytes after the " + total + " values announced by the IDX header "
                    + Arrays.toString(dims));
        }
        return new IdxArray(path, dims, values);
    }

    private interface NumberSource {
        double next() throws IOException;
    }

    private static void readEach(float[] values, NumberSource src) throws IOException {
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) src.next();
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
