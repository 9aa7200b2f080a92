package org.contrastive4j.core.contract;

/** The fields of {@code metrics.jsonl} lines besides {@link EvalField}; see {@link MetricsLog}. */
public enum MetricsField implements RunField {
    /** {@code step} or {@code epoch} (see {@link MetricsLog.Kind}). */
    TYPE("type"),
    EPOCH("epoch"),
    /** Step within the epoch, from 1. */
    STEP("step"),
    GLOBAL_STEP("global_step"),
    /** Step lines: the batch's loss. */
    LOSS("loss"),
    LR("lr"),
    IMG_PER_S("img_per_s"),
    /** Seconds since the run (or its resumption) started. */
    TIME_S("time_s"),
    /** Epoch lines: the mean batch loss of the epoch. */
    TRAIN_LOSS("train_loss"),
    REPULSION_MEAN("repulsion_mean"),
    REPULSION_FRACTION("repulsion_fraction");

    private final String json;

    MetricsField(String json) {
        this.json = json;
    }

    @Override
    public String json() {
        return json;
    }
}
