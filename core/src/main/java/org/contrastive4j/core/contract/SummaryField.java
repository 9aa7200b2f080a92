package org.contrastive4j.core.contract;

/** The fields of a run's {@code summary.json} besides {@link EvalField}; see {@link Summary}. */
public enum SummaryField implements RunField {
    DATASET("dataset"),
    TRAIN_SIZE("train_size"),
    TEST_SIZE("test_size"),
    /** Which split the accuracies were measured on, e.g. {@code test} or {@code validation (20% of train, seed 42)}. */
    EVAL_SPLIT("eval_split"),
    MODEL("model"),
    /** The loss's name (in {@code metrics.jsonl} step lines {@code loss} is the batch loss). */
    LOSS("loss"),
    LOSS_PARAMS("loss_params"),
    EPOCHS("epochs"),
    STEPS("steps"),
    DEVICE("device"),
    TEST_ACCURACY("test_accuracy"),
    TEST_ACCURACY_METHOD("test_accuracy_method"),
    IMG_PER_S("img_per_s"),
    TRAIN_SECONDS("train_seconds"),
    CHECKPOINT("checkpoint"),
    EXPORT_MAX_ABS_DIFF("export_max_abs_diff"),
    ONNX_PATH("onnx_path"),
    ONNX_VS_DJL_EMBEDDINGS_MAX_ABS_DIFF("onnx_vs_djl_embeddings_max_abs_diff"),
    ONNX_NN1_ACC("onnx_nn1_acc"),
    ONNX_KNN_ACC("onnx_knn_acc"),
    ONNX_LINEAR_PROBE_ACC("onnx_linear_probe_acc"),
    REPORT("report"),
    TOOLKIT_VERSION("toolkit_version"),
    SECONDS("seconds"),
    /** Things about the run a user should know, as a list of sentences (e.g. a supervised run on one class). */
    WARNINGS("warnings"),
    /** The same k-NN (k, cosine, reference/query split) on the raw normalised pixels (the model's input values). */
    BASELINE_KNN_ACC("baseline_knn_acc"),
    /** The same 1-NN on the raw normalised pixels. */
    BASELINE_NN1_ACC("baseline_nn1_acc"),
    /** How the baseline was computed (or why it was skipped), in words. */
    BASELINE_METHOD("baseline_method"),
    /** How many evaluation queries the baseline classified (all of them unless its cost bound took fewer). */
    BASELINE_QUERIES("baseline_queries"),
    /** The ONNX output meant for similarity search (e.g. {@code embedding_centered}), the model's default output. */
    SIMILARITY_OUTPUT("similarity_output"),
    /**
     * Per ONNX output name: k-NN accuracy and the spread of its cosine similarities (median target / noise, the 5th,
     * 50th and 95th percentile over query-reference pairs), an object of objects.
     */
    OUTPUTS("outputs"),
    /** Max |ONNX Runtime - LinearProbe| over the class probabilities of the evaluation queries (the exported probe head). */
    ONNX_PROBE_MAX_ABS_DIFF("onnx_probe_max_abs_diff"),
    /** Fraction of evaluation queries on which the ONNX probe head and LinearProbe predict the same class. */
    ONNX_PROBE_AGREEMENT("onnx_probe_agreement"),
    /** What the ONNX classifier head ({@code logits}/{@code probabilities}) is, e.g. the linear probe. */
    CLASSIFIER_HEAD("classifier_head"),
    /**
     * The export's parity figure the tolerance applies to: max |DJL - ONNX Runtime| / max(1, max |DJL|) per output
     * (logits of magnitude 20 differ by more than 1e-5 in absolute terms when their inputs differ by 1e-6).
     */
    EXPORT_MAX_SCALED_DIFF("export_max_scaled_diff");

    private final String json;

    SummaryField(String json) {
        this.json = json;
    }

    @Override
    public String json() {
        return json;
    }
}
