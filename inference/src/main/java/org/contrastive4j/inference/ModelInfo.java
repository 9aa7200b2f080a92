package org.contrastive4j.inference;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.contrastive4j.core.device.DeviceSpec;
import org.contrastive4j.core.knn.ModelFingerprint;

/**
 * What an {@link Embedder} found in its model file.
 *
 * @param path the model file
 * @param sha256 SHA-256 of the model file (lower-case hex)
 * @param inputName the model's single input
 * @param inputShape per-sample input shape (without the batch dimension), as used for every call
 * @param fixedBatch the model's batch dimension when the graph fixes it, else -1 (dynamic)
 * @param outputName the output {@link Embedder#embed} returns
 * @param outputShapes every output's per-sample shape (without batch; -1 where the graph leaves a dimension dynamic),
 *     in the model's order
 * @param metadata the model's {@code metadata_props}
 * @param mean per-channel mean applied to raw samples ({@code null}: none)
 * @param std per-channel standard deviation applied to raw samples ({@code null}: none)
 * @param classNames class names from {@code c4j.class_names} (empty when absent)
 * @param device the device the session actually runs on ({@code cpu} or {@code gpu:N}, never {@code auto})
 */
public record ModelInfo(Path path, String sha256, String inputName, int[] inputShape, long fixedBatch, String outputName,
        Map<String, long[]> outputShapes, Map<String, String> metadata, float[] mean, float[] std,
        List<String> classNames, DeviceSpec device) {

    public ModelInfo {
        LinkedHashMap<String, long[]> copy = new LinkedHashMap<>();
        outputShapes.forEach((k, v) -> copy.put(k, v.clone()));
        outputShapes = Collections.unmodifiableMap(copy);
        inputShape = inputShape.clone();
        mean = mean == null ? null : mean.clone();
        std = std == null ? null : std.clone();
        metadata = Map.copyOf(metadata);
        classNames = List.copyOf(classNames);
    }

    @Override
    public int[] inputShape() {
        return inputShape.clone();
    }

    @Override
    public float[] mean() {
        return mean == null ? null : mean.clone();
    }

    @Override
    public float[] std() {
        return std == null ? null : std.clone();
    }

    /** Whether the model takes images: a {@code [C, H, W]} input with 1 or 3 channels. */
    public boolean takesImages() {
        return inputShape.length == 3 && (inputShape[0] == 1 || inputShape[0] == 3);
    }

    public List<String> outputNames() {
        return List.copyOf(outputShapes.keySet());
    }

    public boolean hasOutput(String name) {
        return outputShapes.containsKey(name);
    }

    /** Number of values per sample of the model input. */
    public int inputLength() {
        int p = 1;
        for (int d : inputShape) {
            p = Math.multiplyExact(p, d);
        }
        return p;
    }

    /** Number of values per sample of {@link #outputName()}, or -1 when the graph does not fix it. */
    public int outputLength() {
        long p = 1;
        for (long d : outputShapes.get(outputName)) {
            if (d < 0) {
                return -1;
            }
            p *= d;
        }
        return (int) p;
    }

    public ModelFingerprint fingerprint(boolean l2Normalized) {
        return new ModelFingerprint(sha256, outputName, l2Normalized);
    }

    @Override
    public String toString() {
        StringBuilder outs = new StringBuilder();
        outputShapes.forEach((k, v) -> outs.append(outs.length() == 0 ? "" : ", ").append(k).append(Arrays.toString(v)));
        return "ModelInfo{path=" + path + ", sha256=" + sha256 + ", input=" + inputName + Arrays.toString(inputShape)
                + ", output=" + outputName + ", outputs=[" + outs + "], mean=" + Arrays.toString(mean) + ", std="
                + Arrays.toString(std) + ", classes=" + classNames.size() + ", device=" + device + "}";
    }
}
