package org.contrastive4j.trainer;

import java.util.List;
import java.util.Locale;
import org.contrastive4j.core.contract.Summary;
import org.contrastive4j.core.contract.SummaryField;
import org.contrastive4j.core.data.Dataset;
import org.contrastive4j.core.eval.Metrics;
import org.contrastive4j.core.knn.KnnIndex;
import org.contrastive4j.core.knn.Metric;
import org.contrastive4j.core.knn.Prediction;
import org.contrastive4j.core.knn.Vote;
import org.contrastive4j.trainer.data.EvalBatches;
import org.contrastive4j.trainer.data.Normalization;

/**
 * The baseline of a run's evaluation: the same cosine k-NN (the same k, the same reference and query sets, majority
 * vote through the same {@link KnnIndex}) on the model's input values — the normalised pixels, flattened — so a user
 * sees at once what training added. Computed once, at the final evaluation.
 *
 * <p>Cost: one exact search of references × queries × input values multiply-adds (2,000 × 1,000 × 784 = 1.6e9 on the
 * Fashion-MNIST subset, well under a second; 60,000 × 10,000 × 784 = 4.7e11 on the full set, about 100 s on two
 * cores). Memory does not grow with the references: they are read, searched and dropped {@link #CHUNK_BYTES} at a
 * time (merged neighbour lists give exactly the result of one search); the chosen queries' values are held. Both are
 * bounded. {@code --baseline auto} (the default) spends at most {@link #WORK_BUDGET} multiply-adds: when the
 * whole query set costs more, an evenly spaced subset of the queries is classified (all references are still
 * searched, exactly), at least {@link #MIN_QUERIES}; when even that does not fit, the baseline is skipped and the
 * summary says why. {@code full} classifies every query whatever it costs; {@code off} skips it. Values held at once
 * that would take more than {@link #HEAP_SHARE} of the heap skip it in every mode (with the reason).
 */
public final class RawPixelBaseline {

    /** Multiply-adds {@code auto} spends at most (about 20-40 s on two cores). */
    public static final double WORK_BUDGET = 1e11;
    /** Fewer queries than this would give a number too noisy to compare with (±1.5 points at 1,000). */
    public static final int MIN_QUERIES = 1000;
    /** The share of the heap the values held at once may take. */
    static final double HEAP_SHARE = 0.4;
    /** The references' input values held at once: 32 MiB (x3 with the index's copies). */
    static final long CHUNK_BYTES = 32L << 20;
    private static final int BATCH = 256;

    /** The modes of {@code --baseline}. */
    public static final List<String> MODES = List.of("auto", "full", "off");

    /**
     * What was measured: accuracies (NaN when skipped), on how many of the queries, and how, in words.
     *
     * @param queries the queries classified (0 when skipped)
     */
    public record Result(double knnAcc, double nn1Acc, int k, int queries, int totalQueries, String method) {

        public boolean computed() {
            return queries > 0;
        }

        /** "raw-pixel baseline 0.8050" or "raw-pixel baseline skipped", for the line beside the trained accuracy. */
        public String describe(boolean nn1) {
            return computed() ? String.format(Locale.ROOT, "raw-pixel baseline %.4f%s", nn1 ? nn1Acc : knnAcc,
                    queries < totalQueries ? String.format(Locale.ROOT, " on %d of %d queries", queries, totalQueries) : "")
                    : "raw-pixel baseline skipped";
        }

        /** Writes the baseline fields of summary.json (no accuracy fields when it was skipped). */
        public void putInto(Summary summary) {
            if (computed()) {
                summary.put(SummaryField.BASELINE_KNN_ACC, knnAcc);
                summary.put(SummaryField.BASELINE_NN1_ACC, nn1Acc);
            }
            summary.put(SummaryField.BASELINE_QUERIES, queries);
            summary.put(SummaryField.BASELINE_METHOD, method);
        }
    }

    private RawPixelBaseline() {}

    /** The baseline of {@code data}'s evaluation with the run's k, in {@code mode} (one of {@link #MODES}). */
    public static Result compute(TrainingData data, int k, String mode) {
        return compute(data.evalReference(), data.evalQuery(), data.normalization(), k, mode, data.evalSplit(),
                new Bounds(WORK_BUDGET, MIN_QUERIES, Runtime.getRuntime().maxMemory()));
    }

    /**
     * The cost bounds: multiply-adds of {@code auto}, the fewest queries worth a number, the heap, and the references
     * held at once (they are read, searched and dropped a chunk at a time).
     */
    record Bounds(double workBudget, int minQueries, long maxHeap, int referenceChunk) {

        Bounds(double workBudget, int minQueries, long maxHeap) {
            this(workBudget, minQueries, maxHeap, 0);
        }

        /** Rows of {@code dim} values per reference chunk: {@link #CHUNK_BYTES} of them unless set, at least 1. */
        int chunkRows(int dim) {
            return referenceChunk > 0 ? referenceChunk : (int) Math.max(1, CHUNK_BYTES / ((long) dim * Float.BYTES));
        }
    }

    static Result compute(Dataset reference, Dataset query, Normalization norm, int k, String mode, String split,
            Bounds bounds) {
        long maxHeap = bounds.maxHeap();
        int dim = reference.sampleLength();
        int total = query.size();
        String what = String.format(Locale.ROOT, "%d-NN and 1-NN (cosine, majority vote) on the normalised input values "
                + "(%d per sample)", k, dim);
        if (mode.equals("off")) {
            return skipped(k, total, "skipped (--baseline off)");
        }
        int n = mode.equals("full") ? total : SearchBudget.queries(reference.size(), dim, total, bounds.workBudget(), 0);
        if (n < Math.min(bounds.minQueries(), total)) {
            return skipped(k, total, String.format(Locale.ROOT, "skipped: %d references x %d values leave room for only %d "
                    + "of the %d queries in %.0e multiply-adds (fewer than %d would be too noisy); --baseline full computes "
                    + "it on all of them (%.2g multiply-adds)", reference.size(), dim, n, total, bounds.workBudget(),
                    bounds.minQueries(),
                    (double) reference.size() * dim * total));
        }
        int chunk = Math.min(reference.size(), bounds.chunkRows(dim));
        // The queries' values twice (rows, the search's prepared copy), a chunk of references three times (rows, the
        // index's copy, its blocked kernel): what is held at once, whatever the number of references.
        double bytes = (2.0 * n + 3.0 * chunk) * dim * Float.BYTES;
        if (bytes > HEAP_SHARE * maxHeap) {
            return skipped(k, total, String.format(Locale.ROOT, "skipped: the input values of %d queries and %d references "
                    + "(%d each) would take %.1f GiB, more than %.0f%% of the %.1f GiB heap (give Java more heap: "
                    + "C4J_JAVA_OPTS=-Xmx16g)", n, chunk, dim, bytes / (1L << 30), 100 * HEAP_SHARE,
                    maxHeap / (double) (1L << 30)));
        }
        int[] picked = SearchBudget.evenlySpaced(total, n);
        Dataset queries = n == total ? query : query.select(picked);
        float[][] queryRows = inputs(queries, norm);
        int kk = Math.min(k, reference.size());
        KnnIndex.Neighbors nn = null;
        for (int r0 = 0; r0 < reference.size(); r0 += chunk) {
            int r1 = Math.min(reference.size(), r0 + chunk);
            int[] rows = new int[r1 - r0];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = r0 + i;
            }
            Dataset part = reference.select(rows);
            KnnIndex index = KnnIndex.build(inputs(part, norm), part.labels(), reference.classNames(), Metric.COSINE);
            KnnIndex.Neighbors found = index.search(queryRows, kk);
            nn = nn == null ? found : nn.mergedWith(found, r0, kk);
        }
        Prediction[] p = KnnIndex.vote(nn, reference.labels(), reference.classNames(), Vote.MAJORITY);
        int[] refLabels = reference.labels();
        int[] knn = new int[n];
        int[] nn1 = new int[n];
        for (int i = 0; i < n; i++) {
            knn[i] = p[i].label();
            nn1[i] = refLabels[p[i].neighbors()[0]];
        }
        int[] truth = queries.labels();
        String on = n == total ? String.format(Locale.ROOT, "all %d %s queries", total, RunEvaluation.splitName(split))
                : String.format(Locale.ROOT, "%d evenly spaced of the %d %s queries (the cost bound of --baseline auto; "
                        + "--baseline full takes all)", n, total, RunEvaluation.splitName(split));
        return new Result(Metrics.accuracy(knn, truth), Metrics.accuracy(nn1, truth), k, n, total,
                what + ", " + on + " against " + reference.size() + " references");
    }

    private static Result skipped(int k, int total, String why) {
        return new Result(Double.NaN, Double.NaN, k, 0, total, why);
    }

    /** The samples as the model sees them: normalised like the evaluation batches, one flattened row each. */
    static float[][] inputs(Dataset samples, Normalization norm) {
        float[][] rows = new float[samples.size()][];
        int len = samples.sampleLength();
        for (EvalBatches.Batch b : new EvalBatches(samples, norm, BATCH)) {
            float[] x = b.x();
            for (int i = 0; i < b.size(); i++) {
                float[] r = new float[len];
                System.arraycopy(x, i * len, r, 0, len);
                rows[b.start() + i] = r;
            }
        }
        return rows;
    }
}
