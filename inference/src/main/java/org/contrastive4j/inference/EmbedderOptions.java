package org.contrastive4j.inference;

import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import org.contrastive4j.core.device.CpuCores;
import org.contrastive4j.core.device.DeviceSpec;

/**
 * Immutable settings for an {@link Embedder}. Every override is optional: a contrastive4j model carries its input
 * shape and normalisation in its metadata, while a foreign model may need {@link Builder#inputShape},
 * {@link Builder#mean}/{@link Builder#std} spelled out.
 */
public final class EmbedderOptions {

    public static final int DEFAULT_BATCH_SIZE = 256;

    private final DeviceSpec device;
    private final int intraOpThreads;
    private final boolean spinning;
    private final int batchSize;
    private final OptLevel optimizationLevel;
    private final String outputName;
    private final boolean l2Normalize;
    private final int[] inputShape;
    private final float[] mean;
    private final float[] std;

    private EmbedderOptions(Builder b) {
        this.device = b.device;
        this.intraOpThreads = b.intraOpThreads;
        this.spinning = b.spinning;
        this.batchSize = b.batchSize;
        this.optimizationLevel = b.optimizationLevel;
        this.outputName = b.outputName;
        this.l2Normalize = b.l2Normalize;
        this.inputShape = b.inputShape == null ? null : b.inputShape.clone();
        this.mean = b.mean == null ? null : b.mean.clone();
        this.std = b.std == null ? null : b.std.clone();
        if ((mean == null) != (std == null)) {
            throw new IllegalArgumentException("mean and std must be given together");
        }
        if (mean != null && mean.length != std.length) {
            throw new IllegalArgumentException("mean has " + mean.length + " values but std has " + std.length);
        }
    }

    public static EmbedderOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.device = device;
        b.intraOpThreads = intraOpThreads;
        b.spinning = spinning;
        b.batchSize = batchSize;
        b.optimizationLevel = optimizationLevel;
        b.outputName = outputName;
        b.l2Normalize = l2Normalize;
        b.inputShape = inputShape;
        b.mean = mean;
        b.std = std;
        return b;
    }

    public DeviceSpec device() {
        return device;
    }

    /** Intra-op threads for ONNX Runtime; 0 means one per physical core this process may use ({@link CpuCores#physical()}). */
    public int intraOpThreads() {
        return intraOpThreads;
    }

    /**
     * Whether ONNX Runtime's intra-op threads spin-wait for work between runs (ORT's default, lowest latency) or
     * sleep (what a shared executor wants: no core burnt between batches).
     */
    public boolean spinning() {
        return spinning;
    }

    public int batchSize() {
        return batchSize;
    }

    public OptLevel optimizationLevel() {
        return optimizationLevel;
    }

    /**
     * The output to read; empty means the model's default: the output its metadata names for similarity
     * ({@code c4j.default_output}, e.g. {@code embedding_centered}), else {@code embedding}, else its first output.
     */
    public Optional<String> outputName() {
        return Optional.ofNullable(outputName);
    }

    public boolean l2Normalize() {
        return l2Normalize;
    }

    /** Per-sample input shape override (without the batch dimension). */
    public Optional<int[]> inputShape() {
        return Optional.ofNullable(inputShape).map(int[]::clone);
    }

    /** Per-channel mean override (applied with {@link #std()} as {@code (x - mean) / std}). */
    public Optional<float[]> mean() {
        return Optional.ofNullable(mean).map(float[]::clone);
    }

    public Optional<float[]> std() {
        return Optional.ofNullable(std).map(float[]::clone);
    }

    @Override
    public String toString() {
        return "EmbedderOptions{device=" + device + ", intraOpThreads=" + intraOpThreads + ", spinning=" + spinning + ", batchSize=" + batchSize
                + ", optimizationLevel=" + optimizationLevel + ", outputName=" + outputName + ", l2Normalize="
                + l2Normalize + ", inputShape=" + Arrays.toString(inputShape) + ", mean=" + Arrays.toString(mean)
                + ", std=" + Arrays.toString(std) + "}";
    }

    public static final class Builder {
        private DeviceSpec device = DeviceSpec.AUTO;
        private int intraOpThreads = 0;
        private boolean spinning = true;
        private int batchSize = DEFAULT_BATCH_SIZE;
        private OptLevel optimizationLevel = OptLevel.ALL_OPT;
        private String outputName;
        private boolean l2Normalize;
        private int[] inputShape;
        private float[] mean;
        private float[] std;

        private Builder() {}

        public Builder device(DeviceSpec device) {
            if (device.isGpu()) {
                device.singleGpu(); // an ONNX Runtime session runs on one GPU: refuse gpu:0,1 here, by name
            }
            this.device = Objects.requireNonNull(device, "device");
            return this;
        }

        /** {@code cpu}, {@code cuda}, {@code cuda:N} or {@code auto}. */
        public Builder device(String device) {
            return device(DeviceSpec.parse(device));
        }

        public Builder intraOpThreads(int threads) {
            if (threads < 0) {
                throw new IllegalArgumentException("intra-op threads must be >= 0 (0 = one per physical core), got " + threads);
            }
            this.intraOpThreads = threads;
            return this;
        }

        /** See {@link EmbedderOptions#spinning()}; default true (ONNX Runtime's default). */
        public Builder spinning(boolean spinning) {
            this.spinning = spinning;
            return this;
        }

        public Builder batchSize(int batchSize) {
            if (batchSize < 1) {
                throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        public Builder optimizationLevel(OptLevel level) {
            this.optimizationLevel = Objects.requireNonNull(level, "optimizationLevel");
            return this;
        }

        public Builder outputName(String name) {
            this.outputName = name == null || name.isBlank() ? null : name;
            return this;
        }

        public Builder l2Normalize(boolean normalize) {
            this.l2Normalize = normalize;
            return this;
        }

        public Builder inputShape(int... shape) {
            if (shape != null) {
                if (shape.length == 0) {
                    throw new IllegalArgumentException("input shape needs at least one dimension");
                }
                for (int d : shape) {
                    if (d < 1) {
                        throw new IllegalArgumentException("input shape dimensions must be >= 1, got " + Arrays.toString(shape));
                    }
                }
            }
            this.inputShape = shape == null ? null : shape.clone();
            return this;
        }

        public Builder mean(float... mean) {
            this.mean = mean == null ? null : mean.clone();
            return this;
        }

        public Builder std(float... std) {
            if (std != null) {
                for (float s : std) {
                    if (!(s > 0) || Float.isInfinite(s)) {
                        throw new IllegalArgumentException("std values must be positive and finite, got " + Arrays.toString(std));
                    }
                }
            }
            this.std = std == null ? null : std.clone();
            return this;
        }

        public EmbedderOptions build() {
            return new EmbedderOptions(this);
        }
    }
}
