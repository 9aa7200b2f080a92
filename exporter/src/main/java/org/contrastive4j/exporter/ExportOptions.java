package org.contrastive4j.exporter;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.contrastive4j.core.eval.LinearProbe;

/** Immutable export settings; build with {@link #builder()}. */
public final class ExportOptions {

    /** The graph outputs an export may carry. */
    public enum Output {
        EMBEDDING("embedding"), PROJECTION("projection"), LOGITS("logits"), PROBABILITIES("probabilities"),
        /**
         * {@code embedding} minus the training embeddings' mean, L2-normalised: cosine similarities that spread over
         * [-1, 1] (the post-ReLU {@code embedding} keeps them near 1). Needs {@link Builder#embeddingMean}.
         */
        EMBEDDING_CENTERED("embedding_centered");

        private final String onnxName;

        Output(String onnxName) {
            this.onnxName = onnxName;
        }

        public String onnxName() {
            return onnxName;
        }

        public static Output parse(String name) {
            for (Output o : values()) {
                if (o.onnxName.equals(name.trim().toLowerCase(Locale.ROOT))) {
                    return o;
                }
            }
            throw new IllegalArgumentException("unknown output '" + name + "' (embedding, projection, logits, probabilities, "
                    + "embedding_centered)");
        }

        /** Parses a comma-separated list such as {@code embedding,projection}. */
        public static Set<Output> parseList(String csv) {
            EnumSet<Output> set = EnumSet.noneOf(Output.class);
            for (String s : csv.split(",")) {
                if (!s.isBlank()) {
                    set.add(parse(s));
                }
            }
            if (set.isEmpty()) {
                throw new IllegalArgumentException("no outputs named in '" + csv + "'");
            }
            return set;
        }
    }

    public static final double DEFAULT_TOLERANCE = 1e-5;
    public static final long DEFAULT_SEED = 20240617L;

    private final Set<Output> outputs;
    private final double tolerance;
    private final Map<String, String> metadata;
    private final float[] realBatch;
    private final int realBatchSize;
    private final int[] randomBatchSizes;
    private final long seed;
    private final float[] embeddingMean;
    private final LinearProbe linearProbe;

    private ExportOptions(Builder b) {
        this.outputs = b.outputs == null ? null : Set.copyOf(b.outputs);
        this.tolerance = b.tolerance;
        this.metadata = Map.copyOf(b.metadata);
        this.realBatch = b.realBatch == null ? null : b.realBatch.clone();
        this.realBatchSize = b.realBatchSize;
        this.randomBatchSizes = b.randomBatchSizes.clone();
        this.seed = b.seed;
        this.embeddingMean = b.embeddingMean == null ? null : b.embeddingMean.clone();
        this.linearProbe = b.linearProbe;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static ExportOptions defaults() {
        return builder().build();
    }

    /** The requested outputs, or empty for the default (embedding + projection, + logits/probabilities with a head). */
    public Optional<Set<Output>> outputs() {
        return Optional.ofNullable(outputs);
    }

    public double tolerance() {
        return tolerance;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    public Optional<float[]> realBatch() {
        return Optional.ofNullable(realBatch).map(float[]::clone);
    }

    public int realBatchSize() {
        return realBatchSize;
    }

    public int[] randomBatchSizes() {
        return randomBatchSizes.clone();
    }

    public long seed() {
        return seed;
    }

    /** The mean subtracted in {@link Output#EMBEDDING_CENTERED}, when given. */
    public Optional<float[]> embeddingMean() {
        return Optional.ofNullable(embeddingMean).map(float[]::clone);
    }

    /** The linear probe exported as the classifier head of an encoder without one, when given. */
    public Optional<LinearProbe> linearProbe() {
        return Optional.ofNullable(linearProbe);
    }

    public static final class Builder {
        private Set<Output> outputs;
        private double tolerance = DEFAULT_TOLERANCE;
        private final Map<String, String> metadata = new LinkedHashMap<>();
        private float[] realBatch;
        private int realBatchSize;
        private int[] randomBatchSizes = {1, 8};
        private long seed = DEFAULT_SEED;
        private float[] embeddingMean;
        private LinearProbe linearProbe;

        private Builder() {}

        public Builder outputs(Set<Output> outputs) {
            if (outputs == null || outputs.isEmpty()) {
                throw new IllegalArgumentException("at least one output is needed");
            }
            this.outputs = EnumSet.copyOf(outputs);
            return this;
        }

        public Builder outputs(Output... outputs) {
            return outputs(EnumSet.copyOf(Arrays.asList(outputs)));
        }

        /** Bound on max |DJL - ORT| / max(1, max |DJL|) per output (see {@link OnnxExporter}). */
        public Builder tolerance(double tolerance) {
            if (!(tolerance >= 0) || Double.isInfinite(tolerance)) {
                throw new IllegalArgumentException("tolerance must be a finite number >= 0, got " + tolerance);
            }
            this.tolerance = tolerance;
            return this;
        }

        /** Provenance for metadata_props (c4j.loss, c4j.dataset, ...); the exporter's own keys take precedence. */
        public Builder metadata(Map<String, String> metadata) {
            metadata.forEach((k, v) -> {
                if (k == null || v == null) {
                    throw new IllegalArgumentException("metadata keys and values must not be null");
                }
            });
            this.metadata.putAll(metadata);
            return this;
        }

        public Builder metadata(String key, String value) {
            return metadata(Map.of(key, value));
        }

        /** A batch of real, already normalised samples, {@code batchSize * sampleLength} floats. */
        public Builder realBatch(float[] values, int batchSize) {
            if (values == null || batchSize <= 0 || values.length % batchSize != 0) {
                throw new IllegalArgumentException("real batch: " + (values == null ? "no values" : values.length + " values")
                        + " do not divide into " + batchSize + " samples");
            }
            this.realBatch = values.clone();
            this.realBatchSize = batchSize;
            return this;
        }

        public Builder randomBatchSizes(int... sizes) {
            if (sizes.length == 0 || Arrays.stream(sizes).anyMatch(s -> s <= 0)) {
                throw new IllegalArgumentException("random batch sizes must be positive, got " + Arrays.toString(sizes));
            }
            this.randomBatchSizes = sizes.clone();
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Adds the {@code embedding_centered} output: {@code (embedding - mean) / |embedding - mean|}, with {@code mean}
         * the training embeddings' mean (one value per embedding dimension), baked into the graph. It becomes the
         * model's default output ({@code c4j.default_output}).
         */
        public Builder embeddingMean(float[] mean) {
            if (mean == null || mean.length == 0) {
                throw new IllegalArgumentException("the embedding mean needs one value per embedding dimension");
            }
            for (float v : mean) {
                if (!Float.isFinite(v)) {
                    throw new IllegalArgumentException("the embedding mean contains NaN or infinity");
                }
            }
            this.embeddingMean = mean.clone();
            return this;
        }

        /**
         * Exports {@code probe} (fitted on the {@code embedding} output) as the classifier head: {@code logits} =
         * the probe's logits of the standardised embedding, {@code probabilities} = their softmax. Parity is checked
         * against the probe's own {@link LinearProbe#logits} of DJL's embeddings. Not for an encoder that has a
         * classifier head of its own.
         */
        public Builder linearProbe(LinearProbe probe) {
            this.linearProbe = probe;
            return this;
        }

        public ExportOptions build() {
            return new ExportOptions(this);
        }
    }
}
