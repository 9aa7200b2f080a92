package org.contrastive4j.core.eval;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.List;
import org.contrastive4j.core.knn.KnnIndex;
import org.contrastive4j.core.knn.Metric;
import org.contrastive4j.core.knn.Vote;

/**
 * The transfer protocol on frozen embeddings: 1-NN and k-NN (cosine) of query against reference embeddings, and a
 * linear probe fitted on the reference embeddings. Uses the inference module's implementations, so the DJL path and
 * the ONNX Runtime path compute identical scores from identical embeddings.
 */
public final class Evaluation {

    /** Accuracies in [0, 1] and the k-NN confusion matrix (rows: true class, columns: predicted). */
    public record Scores(double nn1Acc, double knnAcc, double linearProbeAcc, int k, int[][] confusion) {

        public Map<String, Object> asMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("nn1_acc", nn1Acc);
            m.put("knn_acc", knnAcc);
            m.put("knn_k", k);
            m.put("linear_probe_acc", linearProbeAcc);
            return m;
        }

        public String describe() {
            return String.format(Locale.ROOT, "1-NN %.4f | %d-NN %.4f | linear probe %.4f", nn1Acc, k, knnAcc, linearProbeAcc);
        }
    }

    /** Scores with the linear probe they were measured with (e.g. to deploy it as a classifier head). */
    public record Fitted(Scores scores, LinearProbe probe) {}

    private Evaluation() {}

    public static Scores score(float[][] reference, int[] referenceLabels, float[][] query, int[] queryLabels,
            List<String> classNames, int k) {
        return scoreAndFit(reference, referenceLabels, query, queryLabels, classNames, k).scores();
    }

    /** {@link #score}, keeping the fitted linear probe. */
    public static Fitted scoreAndFit(float[][] reference, int[] referenceLabels, float[][] query, int[] queryLabels,
            List<String> classNames, int k) {
        int[] knn = knnPredict(reference, referenceLabels, query, k);
        int[] nn1 = k == 1 ? knn : knnPredict(reference, referenceLabels, query, 1);
        LinearProbe probe = LinearProbe.fit(reference, referenceLabels, classNames.size());
        int[] lin = probe.predict(query);
        ConfusionMatrix cm = ConfusionMatrix.of(queryLabels, knn, classNames);
        int n = classNames.size();
        int[][] counts = new int[n][n];
        for (int t = 0; t < n; t++) {
            for (int p = 0; p < n; p++) {
                counts[t][p] = cm.count(t, p);
            }
        }
        return new Fitted(new Scores(Metrics.accuracy(nn1, queryLabels), Metrics.accuracy(knn, queryLabels),
                Metrics.accuracy(lin, queryLabels), k, counts), probe);
    }

    /** Cosine k-NN labels with majority vote, the same exact search the deployed {@link KnnIndex} runs. */
    public static int[] knnPredict(float[][] reference, int[] referenceLabels, float[][] query, int k) {
        KnnIndex index = KnnIndex.build(reference, referenceLabels, List.of(), Metric.COSINE);
        return Metrics.labels(index.predict(query, k, Vote.MAJORITY));
    }
}
