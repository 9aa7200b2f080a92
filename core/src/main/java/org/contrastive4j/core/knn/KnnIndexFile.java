package org.contrastive4j.core.knn;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UTFDataFormatException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;
import org.contrastive4j.core.files.AtomicFiles;

/**
 * The k-NN index file format, reader and writer.
 *
 * <p>Version 1 (big-endian): magic {@code C4JKNNIX}, int version, long total file length, int metric
 * ({@link Metric#code()}), int dim, int count, int default k, int default vote ({@link Vote#code()}), int class count
 * + that many modified-UTF-8 class names, byte has-fingerprint (+ UTF model SHA-256, UTF output name, byte
 * l2-normalised), int[count] labels, float[count * dim] embeddings (row-major), and finally the CRC32 of everything
 * before it. The fingerprint's output name is the model output the index was built on.
 *
 * <p>Reading never trusts a declared size: the file is read with fixed-size buffers (first for the checksum, then
 * for the content), and every count in the header is checked against the bytes the file really has before anything
 * of that size is allocated, so a small crafted file fails fast with a message naming it instead of allocating
 * gigabytes.
 */
public final class KnnIndexFile {

    public static final int FORMAT_VERSION = 1;
    static final byte[] MAGIC = "C4JKNNIX".getBytes(StandardCharsets.US_ASCII);
    /** Magic, version and total length: what is needed to decide whether the file is an index at all. */
    private static final int PREFIX = MAGIC.length + Integer.BYTES + Long.BYTES;
    private static final int BUFFER = 1 << 16;
    /** The largest Java array, a little below 2^31 elements. */
    private static final long MAX_VALUES = Integer.MAX_VALUE - 8;

    private KnnIndexFile() {}

    // ---------------------------------------------------------------------------------------------------------------
    // Writing

    /** Writes {@code index} to {@code path} atomically. */
    public static void write(KnnIndex index, Path path) throws IOException {
        AtomicFiles.write(path, raw -> writeTo(index, raw));
    }

    private static void writeTo(KnnIndex index, OutputStream raw) throws IOException {
        CRC32 crc = new CRC32();
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(new CheckedOutputStream(raw, crc), BUFFER));
        out.write(header(index));
        ByteBuffer buf = ByteBuffer.allocate(BUFFER).order(ByteOrder.BIG_ENDIAN);
        for (int l : index.labelsView()) {
            if (!buf.hasRemaining()) {
                flush(buf, out);
            }
            buf.putInt(l);
        }
        for (float v : index.rowsView()) {
            if (!buf.hasRemaining()) {
                flush(buf, out);
            }
            buf.putFloat(v);
        }
        flush(buf, out);
        out.flush();
        new DataOutputStream(raw).writeInt((int) crc.getValue());
        raw.flush();
    }

    private static void flush(ByteBuffer buf, DataOutputStream out) throws IOException {
        out.write(buf.array(), 0, buf.position());
        buf.clear();
    }

    private static byte[] header(KnnIndex index) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream h = new DataOutputStream(bytes);
        h.write(MAGIC);
        h.writeInt(FORMAT_VERSION);
        h.writeLong(0); // total length, patched below once the header's own length is known
        h.writeInt(index.metric().code());
        h.writeInt(index.dim());
        h.writeInt(index.size());
        h.writeInt(index.defaultK());
        h.writeInt(index.defaultVote().code());
        h.writeInt(index.classNames().size());
        for (String name : index.classNames()) {
            h.writeUTF(name);
        }
        ModelFingerprint fp = index.fingerprint().orElse(null);
        h.writeBoolean(fp != null);
        if (fp != null) {
            h.writeUTF(fp.modelSha256());
            h.writeUTF(fp.outputName());
            h.writeBoolean(fp.l2Normalized());
        }
        byte[] header = bytes.toByteArray();
        long total = header.length + 4L * index.size() + 4L * index.size() * index.dim() + 4;
        ByteBuffer.wrap(header).putLong(MAGIC.length + 4, total);
        return header;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Reading

    /**
     * Reads an index written by {@link #write}.
     *
     * @throws IOException naming the file and the problem: not an index (bad magic), unsupported version, truncated,
     *     checksum mismatch (corrupt), or a header whose sizes the file cannot hold
     */
    public static KnnIndex read(Path path) throws IOException {
        if (!Files.isRegularFile(path)) {
            throw new NoSuchFileException(path.toString(), null, "index file not found");
        }
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long length = ch.size();
            ByteBuffer prefix = ByteBuffer.allocate(PREFIX);
            while (prefix.hasRemaining() && ch.read(prefix) > 0) {
                // fill what the file has
            }
            prefix.flip();
            byte[] magic = new byte[Math.min(MAGIC.length, prefix.remaining())];
            prefix.get(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new IOException(path + ": not a contrastive4j k-NN index (bad magic; expected a file written by 'c4j index')");
            }
            if (prefix.remaining() < Integer.BYTES + Long.BYTES) {
                throw new IOException(path + ": truncated k-NN index (" + length + " bytes, not even a header)");
            }
            int version = prefix.getInt();
            if (version != FORMAT_VERSION) {
                throw new IOException(path + ": unsupported k-NN index format version " + version + " (this build reads "
                        + FORMAT_VERSION + ")");
            }
            long total = prefix.getLong();
            if (length < total) {
                throw new IOException(path + ": truncated k-NN index (" + length + " of " + total + " bytes)");
            }
            if (length > total) {
                throw new IOException(path + ": corrupt k-NN index (" + (length - total) + " unexpected trailing bytes)");
            }
            if (length < PREFIX + 4) {
                throw new IOException(path + ": truncated k-NN index (" + length + " bytes, not even a header)");
            }
            verifyChecksum(path, ch, length);
            ch.position(PREFIX);
            return readContent(path, ch, length);
        }
    }

    private static void verifyChecksum(Path path, FileChannel ch, long length) throws IOException {
        CRC32 crc = new CRC32();
        ByteBuffer buf = ByteBuffer.allocate(BUFFER);
        long remaining = length - 4;
        ch.position(0);
        while (remaining > 0) {
            buf.clear().limit((int) Math.min(BUFFER, remaining));
            int r = ch.read(buf);
            if (r < 0) {
                throw new IOException(path + ": truncated k-NN index (the file shrank while it was read)");
            }
            buf.flip();
            crc.update(buf);
            remaining -= r;
        }
        ByteBuffer stored = ByteBuffer.allocate(4);
        while (stored.hasRemaining() && ch.read(stored) > 0) {
            // the last four bytes
        }
        if (stored.flip().remaining() != 4 || stored.getInt() != (int) crc.getValue()) {
            throw new IOException(path + ": corrupt k-NN index (CRC32 checksum mismatch)");
        }
    }

    private static KnnIndex readContent(Path path, FileChannel ch, long length) throws IOException {
        CountingStream counted = new CountingStream(new BufferedInputStream(Channels.newInputStream(ch), BUFFER));
        DataInputStream in = new DataInputStream(counted);
        try {
            int metricCode = in.readInt();
            int dim = in.readInt();
            int count = in.readInt();
            int defaultK = in.readInt();
            int voteCode = in.readInt();
            int classes = in.readInt();
            Metric metric = Metric.fromCode(metricCode).orElseThrow(
                    () -> new IOException(path + ": corrupt k-NN index header (unknown metric code " + metricCode + ")"));
            Vote vote = Vote.fromCode(voteCode).orElseThrow(
                    () -> new IOException(path + ": corrupt k-NN index header (unknown vote code " + voteCode + ")"));
            if (dim < 1 || count < 1 || defaultK < 1 || classes < 0) {
                throw new IOException(path + ": corrupt k-NN index header (dim " + dim + ", count " + count + ", k " + defaultK
                        + ", classes " + classes + ")");
            }
            // Each class name takes at least its 2-byte length; then the fingerprint flag, the labels, the rows, the CRC.
            long values = (long) count * dim;
            long needed = PREFIX + counted.count + 2L * classes + 1 + 4L * count + 4L * values + 4;
            if (needed > length) {
                throw new IOException(path + ": corrupt k-NN index header (it declares " + classes + " classes and " + count
                        + " embeddings of dimension " + dim + ", at least " + needed + " bytes, but the file has " + length + ")");
            }
            if (values > MAX_VALUES) {
                throw new IOException(path + ": k-NN index of " + count + " x " + dim + " values is larger than one index can "
                        + "hold (2^31 values)");
            }
            List<String> names = new ArrayList<>(classes);
            for (int c = 0; c < classes; c++) {
                names.add(in.readUTF());
            }
            ModelFingerprint fp = null;
            if (in.readBoolean()) {
                fp = new ModelFingerprint(in.readUTF(), in.readUTF(), in.readBoolean());
            }
            long headerLength = PREFIX + counted.count;
            if (headerLength + 4L * count + 4L * values + 4 != length) {
                throw new IOException(path + ": corrupt k-NN index header (sizes do not add up to the file length)");
            }
            byte[] buf = new byte[BUFFER];
            int[] labels = new int[count];
            readInts(in, buf, labels);
            for (int i = 0; i < count; i++) {
                if (labels[i] < 0 || labels[i] >= classes) {
                    throw new IOException(path + ": corrupt k-NN index (label " + labels[i] + " of embedding " + i
                            + " outside 0.." + (classes - 1) + ")");
                }
            }
            float[] rows = new float[(int) values];
            readFloats(in, buf, rows);
            for (int i = 0; i < rows.length; i++) {
                if (!Float.isFinite(rows[i])) {
                    throw new IOException(path + ": corrupt k-NN index (embedding " + i / dim + " holds " + rows[i] + ")");
                }
            }
            return KnnIndex.restore(path.toString(), metric, dim, rows, labels, names, fp, defaultK, vote);
        } catch (EOFException | UTFDataFormatException | IllegalArgumentException e) {
            throw new IOException(path + ": corrupt k-NN index header (" + e.getMessage() + ")", e);
        }
    }

    private static void readInts(DataInputStream in, byte[] buf, int[] dst) throws IOException {
        for (int off = 0; off < dst.length; ) {
            int n = Math.min(dst.length - off, buf.length / Integer.BYTES);
            in.readFully(buf, 0, n * Integer.BYTES);
            ByteBuffer.wrap(buf, 0, n * Integer.BYTES).asIntBuffer().get(dst, off, n);
            off += n;
        }
    }

    private static void readFloats(DataInputStream in, byte[] buf, float[] dst) throws IOException {
        for (int off = 0; off < dst.length; ) {
            int n = Math.min(dst.length - off, buf.length / Float.BYTES);
            in.readFully(buf, 0, n * Float.BYTES);
            ByteBuffer.wrap(buf, 0, n * Float.BYTES).asFloatBuffer().get(dst, off, n);
            off += n;
        }
    }

    /** Counts the bytes read through it, to know where the variable-length header ends. */
    private static final class CountingStream extends FilterInputStream {
        long count;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int r = super.read(b, off, len);
            if (r > 0) {
                count += r;
            }
            return r;
        }

        @Override
        public long skip(long n) throws IOException {
            long s = super.skip(n);
            count += s;
            return s;
        }
    }
}
