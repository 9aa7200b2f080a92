package org.contrastive4j.core.knn;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Exact k-nearest-neighbour classification over labelled embeddings: the facade over the search kernel
 * ({@link SimilarityKernel}, shared with the report's diagnostics), the vote ({@link Vote}) and the file format
 * ({@link KnnIndexFile}).
 *
 * <p>Search: squared distances {@code |q|^2 + |r|^2 - 2 q.r} from the kernel's blocked dot products (unit rows for
 * cosine, where this is {@code 2 - 2 cos}); the k best per query are kept in small sorted arrays; for Euclidean a few
 * extra candidates are re-ranked by their exact distance, because the expansion cancels badly for close pairs. Query
 * blocks run in parallel; results do not depend on the number of threads. Ties go to the lower reference index.
 */
public final class KnnIndex {

    /** The file format version written (see {@link KnnIndexFile}). */
    public static final int FORMAT_VERSION = KnnIndexFile.FORMAT_VERSION;
    private static final int EUCLIDEAN_EXTRA_CANDIDATES = 8;

    private final Metric metric;
    private final int dim;
    private final int count;
    private final float[] rows;
    private final SimilarityKernel kernel;
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
        this.kernel = SimilarityKernel.ofFlat(rows, count, dim, metric == Metric.COSINE);
        this.sqNorms = new float[count];
        for (int i = 0; i < count; i++) {
            // A zero vector is treated as unit-norm for cosine so that its distance to anything is 1 - 0 = 1.
            sqNorms[i] = metric == Metric.COSINE ? 1f : (float) SimilarityKernel.squaredNorm(rows, i * dim, dim);
        }
    }

    /** For {@link KnnIndexFile}: an index read from {@code source}, already validated. */
    static KnnIndex restore(String source, Metric metric, int dim, float[] rows, int[] labels, List<String> classNames,
            ModelFingerprint fingerprint, int defaultK, Vote defaultVote) {
        return new KnnIndex(source, metric, dim, rows, labels, classNames, fingerprint, defaultK, defaultVote);
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
        if (fingerprint == null || fingerprint.equals(actual)) {
            return;
        }
        String detail = " (index: " + fingerprint.shortForm() + ", now: " + actual.shortForm() + ")";
        if (!fingerprint.modelSha256().equals(actual.modelSha256())) {
            throw new IllegalArgumentException("index " + source + " was built with another model" + detail
                    + "; rebuild it with this model");
        }
        if (!fingerprint.outputName().equals(actual.outputName())) {
            throw new IllegalArgumentException("index " + source + " was built on output '" + fingerprint.outputName()
                    + "' of this model, not '" + actual.outputName() + "'" + detail);
        }
        throw new IllegalArgumentException("index " + source + " was built " + (fingerprint.l2Normalized() ? "with" : "without")
                + " L2-normalised embeddings, these are " + (actual.l2Normalized() ? "" : "not ") + "normalised (different L2 "
                + "normalisation)" + detail);
    }

    /** Predicts with the index's default k and vote. */
    public Prediction[] predict(float[][] queries) {
        return predict(queries, defaultK, defaultVote);
    }

    public Prediction[] predict(float[][] queries, int k, Vote vote) {
        return vote(search(queries, k), labels, classNames, vote);
    }

    /**
     * Predictions from neighbours found by {@link #search} — also neighbours merged from the searches of several
     * indexes ({@link Neighbors#mergedWith}) — with {@code labels} and {@code classNames} of the references their
     * indices point to.
     */
    public static Prediction[] vote(Neighbors nn, int[] labels, List<String> classNames, Vote vote) {
        Prediction[] out = new Prediction[nn.indices().length];
        NeighbourVote voter = new NeighbourVote(labels, classNames, vote);
        for (int q = 0; q < out.length; q++) {
            out[q] = voter.decide(nn.indices()[q], nn.distances()[q]);
        }
        return out;
    }

    /** The k nearest reference indices per query (nearest first; ties go to the lower index) and their distances. */
    public record Neighbors(int[][] indices, float[][] distances) {

        /**
         * The {@code k} nearest of these neighbours and {@code later}'s, per query, as one search over both reference
         * sets would find them: {@code later} searched references that follow these ones, so its indices are shifted
         * by {@code offset} and a tie goes to these. For searches too large for one index (references read in chunks).
         */
        public Neighbors mergedWith(Neighbors later, int offset, int k) {
            int n = indices.length;
            if (later.indices.length != n) {
                throw new IllegalArgumentException("neighbours of " + later.indices.length + " queries cannot merge with "
                        + n);
            }
            int[][] idx = new int[n][];
            float[][] dist = new float[n][];
            for (int q = 0; q < n; q++) {
                int[] ai = indices[q];
                float[] ad = distances[q];
                int[] bi = later.indices[q];
                float[] bd = later.distances[q];
                int m = Math.min(k, ai.length + bi.length);
                idx[q] = new int[m];
                dist[q] = new float[m];
                int a = 0;
                int b = 0;
                for (int j = 0; j < m; j++) {
                    if (b >= bi.length || (a < ai.length && ad[a] <= bd[b])) {
                        idx[q][j] = ai[a];
                        dist[q][j] = ad[a++];
                    } else {
                        idx[q][j] = bi[b] + offset;
                        dist[q][j] = bd[b++];
                    }
                }
            }
            return new Neighbors(idx, dist);
        }
    }

    public Neighbors search(float[][] queries, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
        int kk = Math.min(k, count);
        int n = queries.length;
        for (int q = 0; q < n; q++) {
            if (queries[q].length != dim) {
                throw new IllegalArgumentException("query " + q + " has " + queries[q].length
                        + " values but the index holds " + dim + "-dimensional embeddings");
            }
        }
        float[] qs = kernel.prepareQueries(queries, metric == Metric.COSINE);
        float[] qNorms = new float[n];
        for (int q = 0; q < n; q++) {
            qNorms[q] = metric == Metric.COSINE ? 1f : (float) SimilarityKernel.squaredNorm(qs, q * dim, dim);
        }
        int[][] idx = new int[n][];
        float[][] dist = new float[n][];
        SimilarityKernel.forEachQueryBlock(n, SimilarityKernel.ALL_CORES,
                (q0, qb, dots) -> searchBlock(qs, qNorms, q0, qb, kk, idx, dist, dots));
        return new Neighbors(idx, dist);
    }

    private void searchBlock(float[] qs, float[] qNorms, int q0, int qb, int k, int[][] idx, float[][] dist,
            float[][] dots) {
        int kc = metric == Metric.EUCLIDEAN ? Math.min(count, k + EUCLIDEAN_EXTRA_CANDIDATES) : k;
        TopK[] best = new TopK[qb];
        for (int q = 0; q < qb; q++) {
            best[q] = new TopK(kc);
        }
        for (int b = 0; b < kernel.blockCount(); b++) {
            int r0 = SimilarityKernel.blockStart(b);
            int rb = kernel.blockWidth(b);
            kernel.dots(qs, q0, qb, b, dots);
            for (int q = 0; q < qb; q++) {
                TopK top = best[q];
                float qn = qNorms[q0 + q];
                float[] dq = dots[q];
                float worst = top.worst();
                for (int j = 0; j < rb; j++) {
                    float dd = qn + sqNorms[r0 + j] - 2f * dq[j];
                    if (dd < worst) {
                        top.offer(dd, r0 + j);
                        worst = top.worst();
                    }
                }
            }
        }
        for (int q = 0; q < qb; q++) {
            TopK top = best[q];
            for (int j = 0; j < kc; j++) {
                top.distances[j] = metric == Metric.COSINE ? Math.max(0f, top.distances[j]) / 2f
                        : exactEuclidean(qs, (q0 + q) * dim, top.indices[j] * dim);
            }
            if (metric == Metric.EUCLIDEAN) {
                top.sort();
            }
            idx[q0 + q] = Arrays.copyOf(top.indices, k);
            dist[q0 + q] = Arrays.copyOf(top.distances, k);
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

    /** The stored rows, not copied (for the file writer). */
    float[] rowsView() {
        return rows;
    }

    int[] labelsView() {
        return labels;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Persistence (see KnnIndexFile)

    /** Writes the index atomically (see {@link KnnIndexFile} for the format). */
    public void save(Path path) throws IOException {
        KnnIndexFile.write(this, path);
    }

    /**
     * Loads an index written by {@link #save}.
     *
     * @throws IOException naming the file and the problem: not an index (bad magic), unsupported version, truncated,
     *     checksum mismatch (corrupt), or an inconsistent header
     */
    public static KnnIndex load(Path path) throws IOException {
        return KnnIndexFile.read(path);
    }
}
