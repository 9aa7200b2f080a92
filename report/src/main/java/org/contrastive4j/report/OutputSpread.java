package org.contrastive4j.report;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.contrastive4j.core.eval.Metrics;
import org.contrastive4j.core.knn.KnnIndex;
import org.contrastive4j.core.knn.Metric;
import org.contrastive4j.core.knn.Prediction;
import org.contrastive4j.core.knn.Vote;

/**
 * How one model output serves similarity search: its cosine 1-NN and k-NN accuracy (query against reference rows),
 * the median target and noise similarity ({@link EmbeddingDiagnostics}), and how its cosine similarities spread: the
 * 5th, 50th and 95th percentile over query-reference pairs. A post-ReLU embedding keeps every similarity near 1
 * (a narrow spread that thresholds cannot use); a centred one spreads them over [-1, 1].
 *
 * @param queries     query rows measured
 * @param references  reference rows searched
 * @param pairs       query-reference pairs the percentiles are taken over (all of them, or a seeded sample)
 */
public record OutputSpread(String output, int queries, int references, double nn1Acc, double knnAcc, int k,
        double medianTarget, double medianNoise, double p05, double p50, double p95, int pairs) {

    /** Pairs sampled for the percentiles when there are more. */
    public static final int MAX_PAIRS = 200_000;

    public double medianGap() {
        return medianTarget - medianNoise;
    }

    /** The persisted form (summary.json {@code outputs}, report.json): names are part of the contract. */
    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("nn1_acc", nn1Acc);
        m.put("knn_acc", knnAcc);
        m.put("knn_k", k);
        m.put("median_target", medianTarget);
        m.put("median_noise", medianNoise);
        m.put("median_gap", medianGap());
        m.put("cos_p05", p05);
        m.put("cos_p50", p50);
        m.put("cos_p95", p95);
        m.put("queries", queries);
        m.put("references", references);
        return m;
    }

    /**
     * Measures one output: one exact cosine k-NN search (majority vote, ties to the nearer neighbour, as the deployed
     * index) gives both accuracies, the diagnostics one more pass, and the percentiles {@code min(all, MAX_PAIRS)}
     * pairs drawn with {@code seed}.
     */
    public static OutputSpread measure(String output, float[][] reference, int[] referenceLabels, float[][] query,
            int[] queryLabels, int numClasses, int k, long seed) {
        KnnIndex index = KnnIndex.build(reference, referenceLabels, List.of(), Metric.COSINE);
        Prediction[] p = index.predict(query, k, Vote.MAJORITY);
        int[] knn = new int[p.length];
        int[] nn1 = new int[p.length];
        for (int i = 0; i < p.length; i++) {
            knn[i] = p[i].label();
            nn1[i] = referenceLabels[p[i].neighbors()[0]];
        }
        EmbeddingDiagnostics d = EmbeddingDiagnostics.compute(reference, referenceLabels, query, queryLabels, numClasses);
        long all = (long) query.length * reference.length;
        int pairs = (int) Math.min(all, MAX_PAIRS);
        double[] sims = new double[pairs];
        Random rnd = new Random(seed);
        for (int s = 0; s < pairs; s++) {
            long pair = all <= MAX_PAIRS ? s : (long) (rnd.nextDouble() * all);
            sims[s] = cosine(query[(int) (pair / reference.length)], reference[(int) (pair % reference.length)]);
        }
        Arrays.sort(sims);
        return new OutputSpread(output, query.length, reference.length, Metrics.accuracy(nn1, queryLabels),
                Metrics.accuracy(knn, queryLabels), k, d.medianTarget(), d.medianNoise(), quantile(sims, 0.05),
                quantile(sims, 0.5), quantile(sims, 0.95), pairs);
    }

    /** Nearest-rank quantile of sorted values. */
    static double quantile(double[] sorted, double q) {
        return sorted.length == 0 ? Double.NaN : sorted[(int) Math.round(q * (sorted.length - 1))];
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
    }
}
