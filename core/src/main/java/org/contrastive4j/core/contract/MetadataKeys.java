package org.contrastive4j.core.contract;

/**
 * The {@code c4j.*} keys of an exported model's ONNX {@code metadata_props}, defined once for the exporter that writes
 * them, the trainer that supplies their values and the runtime that reads them (see {@link ModelMetadata}). All values
 * are strings; structured ones are JSON. Persisted in every model file, so a key is never renamed.
 */
public final class MetadataKeys {

    /** Version of this metadata layout ({@link #FORMAT}). */
    public static final String FORMAT_VERSION = "c4j.format_version";
    public static final String MODEL_SPEC = "c4j.model_spec";
    /** Per-sample input shape, JSON ints, e.g. {@code [1,28,28]}. */
    public static final String INPUT_SHAPE = "c4j.input_shape";
    /** Per-channel mean subtracted from raw inputs (pixels in [0, 1]), JSON floats. */
    public static final String INPUT_MEAN = "c4j.input_mean";
    public static final String INPUT_STD = "c4j.input_std";
    /** Class names by label, JSON strings. */
    public static final String CLASS_NAMES = "c4j.class_names";
    public static final String LOSS = "c4j.loss";
    public static final String LOSS_PARAMS = "c4j.loss_params";
    public static final String DATASET = "c4j.dataset";
    public static final String SEED = "c4j.seed";
    /** The training configuration (the run's config.json). */
    public static final String CONFIG = "c4j.config";
    public static final String GLOBAL_STEP = "c4j.global_step";
    public static final String TOOLKIT_VERSION = "c4j.toolkit_version";
    /** The engine that trained the weights, e.g. "PyTorch 2.7.1 (DJL 0.35.1)". */
    public static final String ENGINE = "c4j.engine";
    /** Toolkit, DJL, PyTorch and ONNX Runtime versions at export, JSON object. */
    public static final String VERSIONS = "c4j.versions";
    public static final String PARITY_MAX_ABS_DIFF = "c4j.parity_max_abs_diff";
    /** The figure the tolerance applies to: max |DJL - ORT| / max(1, max |DJL|) over outputs. */
    public static final String PARITY_MAX_SCALED_DIFF = "c4j.parity_max_scaled_diff";
    public static final String CREATED = "c4j.created";
    public static final String EMBEDDING_DIM = "c4j.embedding_dim";
    /**
     * The pretrained weights a model was exported from untrained ({@code export --init-weights}): file name, SHA-256
     * and the architecture read from them.
     */
    public static final String INIT_WEIGHTS = "c4j.init_weights";

    /**
     * Which held-out split the training run measured its accuracies on, e.g. {@code test (t10k-images-idx3-ubyte.gz)}
     * or {@code validation (stratified 20% of the training data, seed 42)}.
     */
    public static final String EVAL_SPLIT = "c4j.eval_split";
    /**
     * The output to read when none is named (the one meant for similarity search, e.g. {@code embedding_centered});
     * models without it default to {@code embedding}.
     */
    public static final String DEFAULT_OUTPUT = "c4j.default_output";
    /**
     * What the {@code logits}/{@code probabilities} outputs are when they were added at export rather than trained:
     * e.g. the run's linear probe on the standardised backbone embedding, with its accuracy and split, JSON object.
     */
    public static final String CLASSIFIER_HEAD = "c4j.classifier_head";
    /** The per-dimension mean subtracted from {@code embedding} in {@code embedding_centered}, JSON floats. */
    public static final String EMBEDDING_MEAN = "c4j.embedding_mean";

    /** The current {@link #FORMAT_VERSION}. */
    public static final String FORMAT = "1";

    private MetadataKeys() {}
}
