package org.contrastive4j.core.knn;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UTFDataFormatException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;
import org.contrastive4j.core.files.AtomicFiles;

/**
 * Exact k-nearest-neighbour classification over labelled embeddings.
 *
 * <p>Search is a blocked matrix product: a block of queries times a block of the reference matrix, which is kept
 * transposed in column blocks (one array of up to 1,024 reference values per block and dimension) so the innermost
 * loop is a contiguous multiply-add between two whole arrays from index 0, a shape C2 vectorises (with array offsets
 * it does not, on Java 17); the k best per query are kept in small sorted arrays. No objects are created per pair. Query blocks
 * run in parallel; results do not depend on the number of threads.
 *
 * <p>File format (big-endian), version 1: magic {@code C4JKNNIX}, int version, long total file length, int metric
 * ({@link Metric#code()}), int dim, int count, int default k, int default vote ({@link Vote#code()}), int class count + UTF class names, byte has-fingerprint
 * (+ UTF model SHA-256, UTF output name, byte l2-normalised), int[count] labels, float[count * dim] embeddings
 * (row-major, as given), and finally the CRC32 of everything before it. Written atomically.
 */
public final class KnnIndex {

    public static final int FORMAT_VERSION = 1;
    private static final byte[] MAGIC = "C4JKNNIX".getBytes(StandardCharsets.US_ASCII);
    private static final int QUERY_BLOCK = 8;
    private static final int REF_BLOCK = 1024;
    private static final float WEIGHT_EPS = 1e-6f;
    private static final int EUCLIDEAN_EXTRA_CANDIDATES = 8;

    private final Metric metric;
    private final int dim;
    private final int count;
    private final float[] rows;
    /** {@code columns[block * dim + d][j]} = dimension d of reference {@code block * REF_BLOCK + j} (unit rows for cosine). */
    private final float[][] columns;
    private final float[] sqNorms;
    private final int[] labels;
    private final List<String> classNames;
    private final ModelFingerprint fingerprint;
    private final int defaultK;
    private final Vote defaultVote;
    private final String source;

    private KnnIndex(String source, Metric metric, int dim, float[] rows, int[] labels, List<String> classNames,
            ModelFingerprint fingerprint, int defaultK, Vote defaultVote) {
        this.metric = metric;
        this.dim = dim;
        this.count = labels.length;
        this.rows = rows;
        this.labels = labels;
        this.classNames = List.copyOf(classNames);
        this.fingerprint = fingerprint;
        this.defaultK = defaultK;
        this.defaultVote = defaultVote;
        this.source = source;
        int blocks = (count + REF_BLOCK - 1) / REF_BLOCK;
        this.columns = new float[blocks * dim][];
        for (int b = 0; b < blocks; b++) {
            int rb = Math.min(REF_BLOCK, count - b * REF_BLOCK);
            for (int d = 0; d < dim; d++) {
                columns[b * dim + d] = new float[rb];
            }
        }
        this.sqNorms = new float[count];
        for (int i = 0; i < count; i++) {
            double ss = 0;
            for (int d = 0; d < dim; d++) {
                float v = rows[i * dim + d];
                ss += (double) v * v;
            }
            float scale = metric == Metric.COSINE && ss > 0 ? (float) (1 / Math.sqrt(ss)) : 1f;
            // A zero vector is treated as unit-norm for cosine so that its distance to anything is 1 - 0 = 1.
            sqNorms[i] = metric == Metric.COSINE ? 1f : (float) ss;
            for (int d = 0; d < dim; d++) {
                columns[(i / REF_BLOCK) * dim + d][i % REF_BLOCK] = rows[i * dim + d] * scale;
            }
        }
    }

    /** Builds an index with k = 5, majority vote and no model fingerprint. */
    public static KnnIndex build(float[][] embeddings, int[] labels, List<String> classNames, Metric metric) {
        return build(embeddings, labels, classNames, metric, null, 5, Vote.MAJORITY);
    }

    /**
     * Builds an index.
     *
     * @param fingerprint the embedding function the embeddings came from; queries are checked against it
     *     ({@code null}: unchecked)
     * @param defaultK k used by {@link #predict(float[][])}
     */
    public static KnnIndex build(float[][] embeddings, int[] labels, List<String> classNames, Metric metric,
            ModelFingerprint fingerprint, int defaultK, Vote defaultVote) {
        if (embeddings.length == 0) {
            throw new IllegalArgumentException("cannot build a k-NN index from zero embeddings");
        }
        if (labels.length != embeddings.length) {
            throw new IllegalArgumentException(labels.length + " labels for " + embeddings.length + " embeddings");
        }
        if (defaultK < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + defaultK);
        }
        int dim = embeddings[0].length;
        if (dim == 0) {
            throw new IllegalArgumentException("embeddings must have at least one dimension");
        }
        float[] flat = new float[Math.multiplyExact(embeddings.length, dim)];
        for (int i = 0; i < embeddings.length; i++) {
            if (embeddings[i].length != dim) {
                throw new IllegalArgumentException("embedding " + i + " has " + embeddings[i].length + " values, expected " + dim);
            }
            for (float v : embeddings[i]) {
                if (!Float.isFinite(v)) {
                    throw new IllegalArgumentException("embedding " + i + " contains NaN or infinity");
                }
            }
            System.arraycopy(embeddings[i], 0, flat, i * dim, dim);
        }
        List<String> names = new ArrayList<>(classNames);
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0) {
                throw new IllegalArgumentException("label " + labels[i] + " at index " + i + " is negative");
            }
            while (labels[i] >= names.size()) {
                names.add(Integer.toString(names.size()));
            }
        }
        return new KnnIndex("in-memory index", metric, dim, flat, labels.clone(), names, fingerprint, defaultK, defaultVote);
    }

    /** Where the index came from (its file, or "in-memory index"), for messages. */
    public String source() {
        return source;
    }

    public Metric metric() {
        return metric;
    }

    public int dim() {
        return dim;
    }

    public int size() {
        return count;
    }

    public int defaultK() {
        return defaultK;
    }

    public Vote defaultVote() {
        return defaultVote;
    }

    public List<String> classNames() {
        return classNames;
    }

    public int[] labels() {
        return labels.clone();
    }

    public Optional<ModelFingerprint> fingerprint() {
        return Optional.ofNullable(fingerprint);
    }

    /**
     * Checks that queries embedded with {@code actual} may be searched in this index.
     *
     * @throws IllegalArgumentException naming both fingerprints when the index was built with another model, output or
     *     normalisation
     */
    public void requireCompatible(ModelFingerprint actual) {
        if (fingerprint != null && !fingerprint.equals(actual)) {
            String why = !fingerprint.modelSha256().equals(actual.modelSha256()) ? "another model"
                    : !fingerprint.outputName().equals(actual.outputName()) ? "another output"
                    : "different L2 normalisation";
            throw new IllegalArgumentException("index " + source + " was built with " + why + " (index: "
                    + fingerprint.shortForm() + ", now: " + actual.shortForm() + "); rebuild it with this model");
        }
    }

    /** Predicts with the index's default k and vote. */
    public Prediction[] predict(float[][] queries) {
        return predict(queries, defaultK, defaultVote);
    }

    public Prediction[] predict(float[][] queries, int k, Vote vote) {
        Neighbors nn = search(queries, k);
        Prediction[] out = new Prediction[queries.length];
        double[] weight = new double[classNames.size()];
        for (int q = 0; q < queries.length; q++) {
            out[q] = vote(nn.indices[q], nn.distances[q], vote, weight);
        }
        return out;
    }

    private Prediction vote(int[] idx, float[] dist, Vote vote, double[] weight) {
        Arrays.fill(weight, 0);
        double total = 0;
        for (int j = 0; j < idx.length; j++) {
            double w = vote == Vote.MAJORITY ? 1 : 1.0 / (dist[j] + WEIGHT_EPS);
            weight[labels[idx[j]]] += w;
            total += w;
        }
        double best = -1;
        for (double w : weight) {
            best = Math.max(best, w);
        }
        int label = -1;
        for (int j = 0; j < idx.length && label < 0; j++) {
            if (weight[labels[idx[j]]] == best) {
                label = labels[idx[j]];
            }
        }
        float score = (float) Math.min(1.0, best / total);
        return new Prediction(label, classNames.get(label), score, idx, dist);
    }

    /** The k nearest reference indices per query (nearest first; ties go to the lower index) and their distances. */
    public record Neighbors(int[][] indices, float[][] distances) {}

    public Neighbors search(float[][] queries, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
        int kk = Math.min(k, count);
        int n = queries.length;
        float[] qs = new float[Math.multiplyExact(n, dim)];
        float[] qNorms = new float[n];
        for (int q = 0; q < n; q++) {
            if (queries[q].length != dim) {
                throw new IllegalArgumentException("query " + q + " has " + queries[q].length
                        + " values but the index holds " + dim + "-dimensional embeddings");
            }
            double ss = 0;
            for (float v : queries[q]) {
                ss += (double) v * v;
            }
            if (Double.isNaN(ss) || Double.isInfinite(ss)) {
                throw new IllegalArgumentException("query " + q + " contains NaN or infinity");
            }
            float scale = metric == Metric.COSINE && ss > 0 ? (float) (1 / Math.sqrt(ss)) : 1f;
            qNorms[q] = metric == Metric.COSINE ? 1f : (float) ss;
            for (int d = 0; d < dim; d++) {
                qs[q * dim + d] = queries[q][d] * scale;
            }
        }
        int[][] idx = new int[n][kk];
        float[][] dist = new float[n][kk];
        int blocks = (n + QUERY_BLOCK - 1) / QUERY_BLOCK;
        IntStream range = IntStream.range(0, blocks);
        (blocks > 1 ? range.parallel() : range).forEach(b -> searchBlock(qs, qNorms, b * QUERY_BLOCK,
                Math.min(QUERY_BLOCK, n - b * QUERY_BLOCK), kk, idx, dist));
        return new Neighbors(idx, dist);
    }

    private void searchBlock(float[] qs, float[] qNorms, int q0, int qb, int k, int[][] idx, float[][] dist) {
        // The expansion |q|^2 + |r|^2 - 2 q.r cancels badly for close Euclidean pairs, so a few extra candidates are
        // kept and re-ranked by exact distance.
        int kc = metric == Metric.EUCLIDEAN ? Math.min(count, k + EUCLIDEAN_EXTRA_CANDIDATES) : k;
        float[][] scores = new float[qb][REF_BLOCK];
        float[][] best = new float[qb][kc];
        for (float[] b : best) {
            Arrays.fill(b, Float.POSITIVE_INFINITY);
        }
        int[][] bestIdx = new int[qb][kc];
        for (int r0 = 0; r0 < count; r0 += REF_BLOCK) {
            int rb = Math.min(REF_BLOCK, count - r0);
            for (float[] row : scores) {
                Arrays.fill(row, 0f);
            }
            int block = r0 / REF_BLOCK;
            for (int d = 0; d < dim; d++) {
                float[] col = columns[block * dim + d];
                for (int q = 0; q < qb; q++) {
                    float a = qs[(q0 + q) * dim + d];
                    if (a != 0f) {
                        axpy(a, col, scores[q]);
                    }
                }
            }
            for (int q = 0; q < qb; q++) {
                float[] bq = best[q];
                int[] iq = bestIdx[q];
                float qn = qNorms[q0 + q];
                float[] sq = scores[q];
                for (int j = 0; j < rb; j++) {
                    // Squared Euclidean via |q|^2 + |r|^2 - 2 q.r; for cosine (unit rows) this is 2 - 2 cos, same order.
                    float dd = qn + sqNorms[r0 + j] - 2f * sq[j];
                    if (dd < bq[kc - 1]) {
                        insert(bq, iq, dd, r0 + j);
                    }
                }
            }
        }
        for (int q = 0; q < qb; q++) {
            for (int j = 0; j < kc; j++) {
                best[q][j] = metric == Metric.COSINE ? Math.max(0f, best[q][j]) / 2f
                        : exactEuclidean(qs, (q0 + q) * dim, bestIdx[q][j] * dim);
            }
            if (metric == Metric.EUCLIDEAN) {
                sortByDistance(best[q], bestIdx[q]);
            }
            idx[q0 + q] = Arrays.copyOf(bestIdx[q], k);
            dist[q0 + q] = Arrays.copyOf(best[q], k);
        }
    }

    private float exactEuclidean(float[] qs, int qOff, int rOff) {
        double ss = 0;
        for (int d = 0; d < dim; d++) {
            double diff = (double) qs[qOff + d] - rows[rOff + d];
            ss += diff * diff;
        }
        return (float) Math.sqrt(ss);
    }

    private static void sortByDistance(float[] d, int[] idx) {
        for (int i = 1; i < d.length; i++) {
            float dv = d[i];
            int iv = idx[i];
            int p = i;
            while (p > 0 && (d[p - 1] > dv || (d[p - 1] == dv && idx[p - 1] > iv))) {
                d[p] = d[p - 1];
                idx[p] = idx[p - 1];
                p--;
            }
            d[p] = dv;
            idx[p] = iv;
        }
    }

    /** y[0..x.length) += a * x; both arrays from index 0 so that C2 vectorises it. */
    private static void axpy(float a, float[] x, float[] y) {
        for (int j = 0; j < x.length; j++) {
            y[j] += a * x[j];
        }
    }

    private static void insert(float[] best, int[] idx, float d, int i) {
        int p = best.length - 1;
        while (p > 0 && d < best[p - 1]) {
            best[p] = best[p - 1];
            idx[p] = idx[p - 1];
            p--;
        }
        best[p] = d;
        idx[p] = i;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Persistence

    public void save(Path path) throws IOException {
        AtomicFiles.write(path, this::writeTo);
    }

    private void writeTo(OutputStream raw) throws IOException {
        CRC32 crc = new CRC32();
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(new CheckedOutputStream(raw, crc), 1 << 16));
        byte[] header = header();
        out.write(header);
        ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.BIG_ENDIAN);
        for (int l : labels) {
            if (!buf.hasRemaining()) {
                flush(buf, out);
            }
            buf.putInt(l);
        }
        for (float v : rows) {
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

    private byte[] header() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream h = new DataOutputStream(bytes);
        h.write(MAGIC);
        h.writeInt(FORMAT_VERSION);
        h.writeLong(0); // total length, patched below once the header's own length is known
        h.writeInt(metric.code());
        h.writeInt(dim);
        h.writeInt(count);
        h.writeInt(defaultK);
        h.writeInt(defaultVote.code());
        h.writeInt(classNames.size());
        for (String name : classNames) {
            h.writeUTF(name);
        }
        h.writeBoolean(fingerprint != null);
        if (fingerprint != null) {
            h.writeUTF(fingerprint.modelSha256());
            h.writeUTF(fingerprint.outputName());
            h.writeBoolean(fingerprint.l2Normalized());
        }
        byte[] header = bytes.toByteArray();
        long total = header.length + 4L * count + 4L * count * dim + 4;
        ByteBuffer.wrap(header).putLong(MAGIC.length + 4, total);
        return header;
    }

    /**
     * Loads an index written by {@link #save}.
     *
     * @throws IOException naming the file and the problem: not an index (bad magic), unsupported version, truncated,
     *     checksum mismatch (corrupt), or an inconsistent header
     */
    public static KnnIndex load(Path path) throws IOException {
        if (!Files.isRegularFile(path)) {
            throw new NoSuchFileException(path.toString(), null, "index file not found");
        }
        byte[] bytes = Files.readAllBytes(path);
        if (bytes.length < MAGIC.length || !Arrays.equals(Arrays.copyOf(bytes, MAGIC.length), MAGIC)) {
            throw new IOException(path + ": not a contrastive4j k-NN index (bad magic; expected a file written by 'c4j index')");
        }
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
            in.skipNBytes(MAGIC.length);
            int version = in.readInt();
            if (version != FORMAT_VERSION) {
                throw new IOException(path + ": unsupported k-NN index format version " + version + " (this build reads "
                        + FORMAT_VERSION + ")");
            }
            long total = in.readLong();
            if (bytes.length < total) {
                throw new IOException(path + ": truncated k-NN index (" + bytes.length + " of " + total + " bytes)");
            }
            if (bytes.length > total) {
                throw new IOException(path + ": corrupt k-NN index (" + (bytes.length - total) + " unexpected trailing bytes)");
            }
            CRC32 crc = new CRC32();
            crc.update(bytes, 0, bytes.length - 4);
            int stored = ByteBuffer.wrap(bytes, bytes.length - 4, 4).getInt();
            if (stored != (int) crc.getValue()) {
                throw new IOException(path + ": corrupt k-NN index (CRC32 checksum mismatch)");
            }
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
                throw new IOException(path + ": corrupt k-NN index header");
            }
            List<String> names = new ArrayList<>(classes);
            for (int c = 0; c < classes; c++) {
                names.add(in.readUTF());
            }
            ModelFingerprint fp = null;
            if (in.readBoolean()) {
                fp = new ModelFingerprint(in.readUTF(), in.readUTF(), in.readBoolean());
            }
            int headerLength = bytes.length - in.available();
            if (headerLength + 4L * count + 4L * count * dim + 4 != total) {
                throw new IOException(path + ": corrupt k-NN index header (sizes do not add up to the file length)");
            }
            ByteBuffer data = ByteBuffer.wrap(bytes, headerLength, bytes.length - headerLength - 4);
            int[] labels = new int[count];
            for (int i = 0; i < count; i++) {
                labels[i] = data.getInt();
                if (labels[i] < 0 || labels[i] >= classes) {
                    throw new IOException(path + ": corrupt k-NN index (label " + labels[i] + " outside 0.." + (classes - 1) + ")");
                }
            }
            float[] rows = new float[count * dim];
            data.asFloatBuffer().get(rows);
            return new KnnIndex(path.toString(), metric, dim, rows, labels, names, fp, defaultK, vote);
        } catch (EOFException | UTFDataFormatException | IllegalArgumentException e) {
            throw new IOException(path + ": corrupt k-NN index header (" + e.getMessage() + ")", e);
        }
    }
}
