package org.contrastive4j.exporter;

/** metadata_props keys of exported models (all values are strings; JSON where structured). */
public final class MetadataKeys {

    public static final String FORMAT_VERSION = "c4j.format_version";
    public static final String MODEL_SPEC = "c4j.model_spec";
    public static final String INPUT_SHAPE = "c4j.input_shape";
    public static final String INPUT_MEAN = "c4j.input_mean";
    public static final String INPUT_STD = "c4j.input_std";
    public static final String CLASS_NAMES = "c4j.class_names";
    public static final String LOSS = "c4j.loss";
    public static final String LOSS_PARAMS = "c4j.loss_params";
    public static final String DATASET = "c4j.dataset";
    public static final String SEED = "c4j.seed";
    public static final String VERSIONS = "c4j.versions";
    public static final String PARITY_MAX_ABS_DIFF = "c4j.parity_max_abs_diff";
    /** The figure the tolerance applies to: max |DJL - ORT| / max(1, max |DJL|) over outputs. */
    public static final String PARITY_MAX_SCALED_DIFF = "c4j.parity_max_scaled_diff";
    public static final String CREATED = "c4j.created";
    public static final String EMBEDDING_DIM = "c4j.embedding_dim";

    public static final String FORMAT = "1";

    private MetadataKeys() {}
}
