package org.contrastive4j.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything {@link ReportWriter} needs for one run. Embeddings are the backbone features (the paper's transfer
 * protocol) of the training and held-out test sets. Build with {@link #builder()}; the embedding arrays are shared,
 * not copied (they can be large), and must not be modified while a report is written.
 */
public final class ReportInputs {

    private final String runName;
    private final List<String> classNames;
    private final float[][] trainEmbeddings;
    private final int[] trainLabels;
    private final float[][] testEmbeddings;
    private final int[] testLabels;
    private final Map<String, Double> accuracies;
    private final int[][] confusionMatrix;
    private final String confusionSource;
    private final Path metricsJsonl;
    private final Map<String, Object> config;
    private final Map<String, Object> summary;
    private final String evalSplit;
    private final Map<String, Double> baseline;
    private final String baselineMethod;
    private final List<OutputSpread> outputs;
    private final String similarityOutput;

    private ReportInputs(Builder b) {
        this.evalSplit = b.evalSplit;
        this.baseline = Collections.unmodifiableMap(new LinkedHashMap<>(b.baseline));
        this.baselineMethod = b.baselineMethod;
        this.outputs = List.copyOf(b.outputs);
        this.similarityOutput = b.similarityOutput;
        this.runName = require(b.runName, "run name");
        this.classNames = List.copyOf(require(b.classNames, "class names"));
        this.trainEmbeddings = require(b.trainEmbeddings, "train embeddings");
        this.trainLabels = require(b.trainLabels, "train labels");
        this.testEmbeddings = require(b.testEmbeddings, "test embeddings");
        this.testLabels = require(b.testLabels, "test labels");
        if (classNames.isEmpty()) {
            throw new IllegalArgumentException("report needs at least one class name");
        }
        this.accuracies = Collections.unmodifiableMap(new LinkedHashMap<>(b.accuracies));
        if (b.confusionMatrix != null) {
            int n = classNames.size();
            if (b.confusionMatrix.length != n) {
                throw new IllegalArgumentException("confusion matrix has " + b.confusionMatrix.length
                        + " rows but there are " + n + " classes");
            }
            int[][] copy = new int[n][];
            for (int r = 0; r < n; r++) {
                if (b.confusionMatrix[r].length != n) {
                    throw new IllegalArgumentException("confusion matrix row " + r + " has "
                            + b.confusionMatrix[r].length + " entries, expected " + n);
                }
                copy[r] = b.confusionMatrix[r].clone();
            }
            this.confusionMatrix = copy;
        } else {
            this.confusionMatrix = null;
        }
        this.confusionSource = b.confusionSource;
        this.metricsJsonl = b.metricsJsonl;
        this.config = Collections.unmodifiableMap(new LinkedHashMap<>(b.config));
        this.summary = Collections.unmodifiableMap(new LinkedHashMap<>(b.summary));
    }

    private static <T> T require(T value, String what) {
        if (value == null) {
            throw new IllegalArgumentException("report inputs: " + what + " is required");
        }
        return value;
    }

    public static Builder builder() {
        return new Builder();
    }

    public String runName() {
        return runName;
    }

    public List<String> classNames() {
        return classNames;
    }

    public float[][] trainEmbeddings() {
        return trainEmbeddings;
    }

    public int[] trainLabels() {
        return trainLabels;
    }

    public float[][] testEmbeddings() {
        return testEmbeddings;
    }

    public int[] testLabels() {
        return testLabels;
    }

    /** Accuracy name (e.g. {@code nn1_acc}) to value, in insertion order. */
    public Map<String, Double> accuracies() {
        return accuracies;
    }

    /** {@code [true][predicted]} counts, when the caller has them (e.g. from the linear probe). */
    public Optional<int[][]> confusionMatrix() {
        return Optional.ofNullable(confusionMatrix);
    }

    /** Which classifier produced {@link #confusionMatrix()}, e.g. "linear probe". */
    public String confusionSource() {
        return confusionSource;
    }

    public Optional<Path> metricsJsonl() {
        return Optional.ofNullable(metricsJsonl);
    }

    /** Run configuration shown as a table (loss, parameters, model, dataset, seed, epochs...). */
    public Map<String, Object> config() {
        return config;
    }

    /** Run summary shown as a table (wall time, throughput, final loss...). */
    public Map<String, Object> summary() {
        return summary;
    }

    /** Which held-out split every accuracy was measured on (e.g. {@code test (t10k-images-idx3-ubyte.gz)}), if known. */
    public Optional<String> evalSplit() {
        return Optional.ofNullable(evalSplit);
    }

    /** The raw-pixel baseline's accuracies, keyed like {@link #accuracies()} (empty when it was not computed). */
    public Map<String, Double> baseline() {
        return baseline;
    }

    /** How the baseline was computed, or why it was skipped; empty when there is none. */
    public Optional<String> baselineMethod() {
        return Optional.ofNullable(baselineMethod);
    }

    /** The model's outputs compared for similarity search (empty: not measured). */
    public List<OutputSpread> outputs() {
        return outputs;
    }

    /** The output meant for similarity search, when the model has one. */
    public Optional<String> similarityOutput() {
        return Optional.ofNullable(similarityOutput);
    }

    /** Mutable builder; {@link #build()} validates and snapshots it. */
    public static final class Builder {
        private String runName;
        private List<String> classNames;
        private float[][] trainEmbeddings;
        private int[] trainLabels;
        private float[][] testEmbeddings;
        private int[] testLabels;
        private final Map<String, Double> accuracies = new LinkedHashMap<>();
        private int[][] confusionMatrix;
        private String confusionSource = "classifier";
        private Path metricsJsonl;
        private final Map<String, Object> config = new LinkedHashMap<>();
        private final Map<String, Object> summary = new LinkedHashMap<>();
        private String evalSplit;
        private final Map<String, Double> baseline = new LinkedHashMap<>();
        private String baselineMethod;
        private final List<OutputSpread> outputs = new ArrayList<>();
        private String similarityOutput;

        private Builder() {}

        /** The held-out split the accuracies were measured on; the report names it beside every accuracy. */
        public Builder evalSplit(String split) {
            this.evalSplit = split;
            return this;
        }

        /** The raw-pixel baseline: accuracies keyed like {@link #accuracy} (may be empty) and how it was computed. */
        public Builder baseline(Map<String, Double> accuracies, String method) {
            baseline.putAll(accuracies);
            this.baselineMethod = Objects.requireNonNull(method, "baseline method");
            return this;
        }

        /** The outputs compared for similarity search, and the one meant for it ({@code null}: none). */
        public Builder outputs(List<OutputSpread> spreads, String similarityOutput) {
            outputs.addAll(spreads);
            this.similarityOutput = similarityOutput;
            return this;
        }

        public Builder runName(String runName) {
            this.runName = runName;
            return this;
        }

        public Builder classNames(List<String> classNames) {
            this.classNames = classNames;
            return this;
        }

        public Builder train(float[][] embeddings, int[] labels) {
            this.trainEmbeddings = embeddings;
            this.trainLabels = labels;
            return this;
        }

        public Builder test(float[][] embeddings, int[] labels) {
            this.testEmbeddings = embeddings;
            this.testLabels = labels;
            return this;
        }

        public Builder accuracy(String name, double value) {
            accuracies.put(Objects.requireNonNull(name, "accuracy name"), value);
            return this;
        }

        public Builder accuracies(Map<String, Double> values) {
            accuracies.putAll(values);
            return this;
        }

        /** Without one, the report shows the cosine 1-NN confusion matrix implied by the diagnostics. */
        public Builder confusionMatrix(int[][] counts, String source) {
            this.confusionMatrix = counts;
            this.confusionSource = source == null ? "classifier" : source;
            return this;
        }

        public Builder metricsJsonl(Path metricsJsonl) {
            this.metricsJsonl = metricsJsonl;
            return this;
        }

        public Builder config(Map<String, ?> values) {
            config.putAll(values);
            return this;
        }

        public Builder config(String key, Object value) {
            config.put(key, value);
            return this;
        }

        public Builder summary(Map<String, ?> values) {
            summary.putAll(values);
            return this;
        }

        public Builder summary(String key, Object value) {
            summary.put(key, value);
            return this;
        }

        public ReportInputs build() {
            return new ReportInputs(this);
        }
    }
}
