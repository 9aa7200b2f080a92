package org.contrastive4j.core.contract;

/**
 * Evaluation results, written to both {@code metrics.jsonl} epoch lines and {@code summary.json}. Accuracies are in
 * [0, 1] and always measured on the split that {@link SummaryField#EVAL_SPLIT} names.
 */
public enum EvalField implements RunField {
    NN1_ACC("nn1_acc"),
    KNN_ACC("knn_acc"),
    KNN_K("knn_k"),
    LINEAR_PROBE_ACC("linear_probe_acc");

    private final String json;

    EvalField(String json) {
        this.json = json;
    }

    @Override
    public String json() {
        return json;
    }
}
