package org.contrastive4j.core.knn;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * The one blocked similarity kernel of the toolkit: dot products between blocks of query rows and blocks of a fixed
 * reference set. {@link KnnIndex} turns them into distances and keeps the k best; the report's embedding diagnostics
 * keep the best same-class and other-class similarity. Callers own the selection, this class owns the arithmetic.
 *
 * <p>The references are stored transposed in blocks of {@link #REF_BLOCK} rows: one array per block and dimension,
 * so the innermost loop is a multiply-add over whole arrays from index 0, four dimensions at a time. That is the shape
 * Java 17's C2 vectorises (offsets into a shared array, or a dot-product reduction it may not reorder, stay scalar
 * and run about five times slower). A block ({@code dim x REF_BLOCK} floats) stays in L2 while the
 * {@link #QUERY_BLOCK} queries of one task stream over it. No objects are created per pair.
 *
 * <p>Every dot product is summed in the same order whatever the blocking of the queries or the number of threads, so
 * results never depend on either.
 */
public final class SimilarityKernel {

    /** Queries per task: they share one pass over each reference block. */
    public static final int QUERY_BLOCK = 8;
    /** References per block. */
    public static final int REF_BLOCK = 512;
    /** Thread count meaning "the common fork-join pool" (one worker per core). */
    public static final int ALL_CORES = 0;

    private final int dim;
    private final int count;
    /** {@code blocks[b][d][j]} = dimension d of reference {@code b * REF_BLOCK + j}, scaled as asked. */
    private final float[][][] blocks;

    /** Work on one block of queries; {@code dots} is this task's scratch of {@code QUERY_BLOCK x REF_BLOCK}. */
    @FunctionalInterface
    public interface QueryBlockTask {
        void run(int firstQuery, int queries, float[][] dots);
    }

    private SimilarityKernel(int count, int dim, RowSource rows, boolean unitRows) {
        if (dim < 1) {
            throw new IllegalArgumentException("rows must have at least one dimension");
        }
        this.dim = dim;
        this.count = count;
        int nBlocks = (count + REF_BLOCK - 1) / REF_BLOCK;
        this.blocks = new float[nBlocks][][];
        float[] row = new float[dim];
        for (int b = 0; b < nBlocks; b++) {
            int start = b * REF_BLOCK;
            int width = Math.min(REF_BLOCK, count - start);
            float[][] t = new float[dim][width];
            for (int j = 0; j < width; j++) {
                rows.copy(start + j, row);
                float scale = unitRows ? inverseNorm(row, 0, dim) : 1f;
                for (int d = 0; d < dim; d++) {
                    t[d][j] = row[d] * scale;
                }
            }
            blocks[b] = t;
        }
    }

    private interface RowSource {
        void copy(int i, float[] dst);
    }

    /**
     * A kernel over {@code count} rows of {@code dim} values stored row-major in {@code rows}.
     *
     * @param unitRows scale every row to unit L2 norm (cosine similarity); a zero row stays zero
     */
    public static SimilarityKernel ofFlat(float[] rows, int count, int dim, boolean unitRows) {
        if ((long) count * dim != rows.length) {
            throw new IllegalArgumentException(rows.length + " values are not " + count + " rows of " + dim);
        }
        return new SimilarityKernel(count, dim, (i, dst) -> System.arraycopy(rows, i * dim, dst, 0, dim), unitRows);
    }

    /**
     * A kernel over {@code rows[order[0]], rows[order[1]], ...} (reference j of the kernel is {@code rows[order[j]]});
     * {@code order == null} keeps the given order. Rows must all have the same length.
     */
    public static SimilarityKernel ofRows(float[][] rows, int[] order, boolean unitRows) {
        int n = order == null ? rows.length : order.length;
        if (n == 0) {
            throw new IllegalArgumentException("no reference rows");
        }
        int dim = rows[order == null ? 0 : order[0]].length;
        return new SimilarityKernel(n, dim, (i, dst) -> {
            float[] r = rows[order == null ? i : order[i]];
            if (r.length != dim) {
                throw new IllegalArgumentException("row " + (order == null ? i : order[i]) + " has " + r.length
                        + " values, expected " + dim);
            }
            System.arraycopy(r, 0, dst, 0, dim);
        }, unitRows);
    }

    public int dim() {
        return dim;
    }

    public int count() {
        return count;
    }

    public int blockCount() {
        return blocks.length;
    }

    /** Index of the first reference of block {@code b}. */
    public static int blockStart(int b) {
        return b * REF_BLOCK;
    }

    /** Number of references in block {@code b}. */
    public int blockWidth(int b) {
        return blocks[b][0].length;
    }

    /**
     * Flattens queries row-major, each scaled to unit norm when {@code unit} (cosine), for {@link #dots}.
     *
     * @throws IllegalArgumentException naming the query when its length is not {@link #dim()} or it is not finite
     */
    public float[] prepareQueries(float[][] queries, boolean unit) {
        float[] flat = new float[Math.multiplyExact(queries.length, dim)];
        for (int q = 0; q < queries.length; q++) {
            float[] v = queries[q];
            if (v.length != dim) {
                throw new IllegalArgumentException("query " + q + " has " + v.length + " values but the references are "
                        + dim + "-dimensional");
            }
            float scale = unit ? inverseNorm(v, 0, dim) : 1f;
            for (int d = 0; d < dim; d++) {
                if (!Float.isFinite(v[d])) {
                    throw new IllegalArgumentException("query " + q + " contains NaN or infinity");
                }
                flat[q * dim + d] = v[d] * scale;
            }
        }
        return flat;
    }

    /**
     * {@code dots[r][j] = query(firstQuery + r) . reference(blockStart(b) + j)} for {@code r < queries},
     * {@code j < blockWidth(b)}; {@code flatQueries} as made by {@link #prepareQueries}.
     */
    public void dots(float[] flatQueries, int firstQuery, int queries, int b, float[][] dots) {
        float[][] t = blocks[b];
        int width = t[0].length;
        for (int r = 0; r < queries; r++) {
            dotBlock(flatQueries, (firstQuery + r) * dim, t, width, dots[r]);
        }
    }

    /**
     * Runs {@code task} over the blocks of {@code n} queries, in parallel on {@code threads} workers
     * ({@link #ALL_CORES}: the common pool). Each task gets its own scratch; tasks must only write results of their
     * own queries.
     */
    public static void forEachQueryBlock(int n, int threads, QueryBlockTask task) {
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be >= 0, got " + threads);
        }
        int nBlocks = (n + QUERY_BLOCK - 1) / QUERY_BLOCK;
        IntConsumer body = b -> task.run(b * QUERY_BLOCK, Math.min(QUERY_BLOCK, n - b * QUERY_BLOCK),
                new float[QUERY_BLOCK][REF_BLOCK]);
        if (nBlocks <= 1 || threads == 1) {
            IntStream.range(0, nBlocks).forEach(body);
        } else if (threads == ALL_CORES) {
            IntStream.range(0, nBlocks).parallel().forEach(body);
        } else {
            ForkJoinPool pool = new ForkJoinPool(threads);
            try {
                pool.submit(() -> IntStream.range(0, nBlocks).parallel().forEach(body)).get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("similarity search interrupted", e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                if (e.getCause() instanceof Error err) {
                    throw err;
                }
                throw new IllegalStateException("similarity search failed: " + e.getCause(), e.getCause());
            } finally {
                pool.shutdown();
            }
        }
    }

    /**
     * {@code out[j] = sum_d q[qOff + d] * t[d][j]} for {@code j < width}: axpy updates four dimensions at a time over
     * separate arrays indexed from 0 (see the class comment). Groups of four zero query values (common after a ReLU)
     * are skipped; adding zero products would not change any sum.
     */
    private static void dotBlock(float[] q, int qOff, float[][] t, int width, float[] out) {
        int dim = t.length;
        float s = q[qOff];
        float[] t0 = t[0];
        for (int j = 0; j < width; j++) {
            out[j] = s * t0[j];
        }
        int k = 1;
        for (; k + 3 < dim; k += 4) {
            float s0 = q[qOff + k];
            float s1 = q[qOff + k + 1];
            float s2 = q[qOff + k + 2];
            float s3 = q[qOff + k + 3];
            if (s0 == 0f && s1 == 0f && s2 == 0f && s3 == 0f) {
                continue;
            }
            float[] a0 = t[k];
            float[] a1 = t[k + 1];
            float[] a2 = t[k + 2];
            float[] a3 = t[k + 3];
            for (int j = 0; j < width; j++) {
                out[j] += s0 * a0[j] + s1 * a1[j] + s2 * a2[j] + s3 * a3[j];
            }
        }
        for (; k < dim; k++) {
            float sk = q[qOff + k];
            float[] tk = t[k];
            for (int j = 0; j < width; j++) {
                out[j] += sk * tk[j];
            }
        }
    }

    /** {@code 1 / |v|} over {@code v[off, off + len)}, summed in double; 1 for a zero row (it stays zero). */
    public static float inverseNorm(float[] v, int off, int len) {
        double ss = squaredNorm(v, off, len);
        return ss > 0 ? (float) (1.0 / Math.sqrt(ss)) : 1f;
    }

    /** The squared L2 norm of {@code v[off, off + len)}, summed in double. */
    public static double squaredNorm(float[] v, int off, int len) {
        double ss = 0;
        for (int i = off; i < off + len; i++) {
            ss += (double) v[i] * v[i];
        }
        return ss;
    }
}
