package org.contrastive4j.inference;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.contrastive4j.core.data.DataSources;
import org.contrastive4j.core.data.Dataset;
import org.contrastive4j.core.data.LoadOptions;
import org.contrastive4j.core.data.Samples;
import org.contrastive4j.core.image.ImageDecoder;
import org.contrastive4j.core.image.ImageFit;
import org.contrastive4j.core.knn.ModelFingerprint;

/**
 * Turns samples into embeddings with one ONNX Runtime session: the public facade over opening the session
 * ({@code OrtSessions}: device choice and fallback, what the model declares), input validation and normalisation
 * ({@code InputRows}, {@code Normalizer}) and batched execution ({@code BatchRunner}).
 *
 * <p>Thread-safe: share one instance between threads. {@link #close()} is safe while other threads embed: it waits
 * for the batches already running and frees the session after them; a call that reaches its next batch after the
 * close throws {@link IllegalStateException}. No call ever runs on a freed session.
 *
 * <p>Inputs are validated before they reach the model: the number of values per sample must match the model's input
 * shape, and NaN / infinite values are rejected with the sample's index ({@link IllegalArgumentException}). Outputs
 * are validated before they are returned: every output must have one row per sample of the batch and finite values
 * ({@link ModelOutputException}).
 */
public final class Embedder implements AutoCloseable {

    private final ModelInfo info;
    private final EmbedderOptions options;
    private final int[] inputShape;
    private final Normalizer normalizer;
    private final BatchRunner runner;

    private Embedder(OrtSessions.Opened opened, EmbedderOptions options) {
        this.info = opened.info();
        this.options = options;
        this.inputShape = info.inputShape();
        this.normalizer = info.mean() == null ? null : new Normalizer(inputShape, info.mean(), info.std());
        this.runner = new BatchRunner(opened.env(), opened.session(), info, options.batchSize());
    }

    /**
     * Opens a model.
     *
     * @throws NoSuchFileException if the file does not exist
     * @throws IOException if it is not a loadable ONNX model or its c4j metadata is malformed
     * @throws IllegalArgumentException if the model or options do not fit (several inputs, unknown output, shape
     *     override that contradicts the graph, ...)
     * @throws DeviceUnavailableException if a GPU was requested and cannot be used
     */
    public static Embedder open(Path model, EmbedderOptions options) throws IOException {
        return new Embedder(OrtSessions.open(model, options), options);
    }

    public static Embedder open(Path model) throws IOException {
        return open(model, EmbedderOptions.defaults());
    }

    public ModelInfo info() {
        return info;
    }

    public EmbedderOptions options() {
        return options;
    }

    /** The fingerprint of this embedding function (model file, output, normalisation), as stored in indexes. */
    public ModelFingerprint fingerprint() {
        return info.fingerprint(options.l2Normalize());
    }

    /**
     * Opens an input shaped for this model — any form {@link DataSources} accepts: an image file, a flat folder, a
     * glob, a list file, an image-folder tree, IDX, CSV, NPY — without reading it all into memory: image files are
     * decoded as {@link #embed(Dataset, int, int)} reaches them, and {@link Dataset#id(int)} is each file's path
     * relative to the input (the row index for tensors). CSV rows are streamed too: read the samples in order.
     */
    public Dataset dataset(Path input) throws IOException {
        return DataSources.open(input, LoadOptions.DEFAULTS.toBuilder().sampleShape(inputShape).sequential(true).build());
    }

    /**
     * Reads an input (IDX, image folder, CSV, NPY, CIFAR; see {@link DataSources}) shaped for this model: feature
     * rows reshaped and images converted/resized to its per-sample input shape. The values stay raw (e.g. pixels in
     * [0, 1]); {@link #embed(Dataset)} applies the normalisation.
     */
    public Samples read(Path input, LoadOptions options) throws IOException {
        return DataSources.load(input, options.toBuilder().sampleShape(inputShape).build());
    }

    public Samples read(Path input) throws IOException {
        return read(input, LoadOptions.DEFAULTS);
    }

    /**
     * Images already in memory (any size, colour model or bit depth), shaped for this model exactly as the CLI shapes
     * image files: converted to its channel count, the shorter side resized and centre-cropped to its input size,
     * pixels scaled to [0, 1]. {@link #embed(Dataset)} and {@link Classifier#classify(Dataset)} then normalise them.
     *
     * @throws IllegalArgumentException if the model's input is not an image ([C, H, W] with 1 or 3 channels)
     */
    public Samples read(List<BufferedImage> images) {
        if (!info.takesImages()) {
            throw new IllegalArgumentException(info.path() + ": model input " + Arrays.toString(inputShape)
                    + " is not an image ([C, H, W] with 1 or 3 channels)");
        }
        int length = runner.sampleLength();
        float[] values = new float[Math.multiplyExact(images.size(), length)];
        for (int i = 0; i < images.size(); i++) {
            ImageFit.toInput(ImageDecoder.toPixels(images.get(i)), inputShape[0], inputShape[1], inputShape[2], values,
                    i * length);
        }
        return new Samples("images", values, inputShape.clone(), null, List.of());
    }

    /** Embeds model-ready rows (already normalised, each flattened to the model's per-sample input shape). */
    public float[][] embed(float[][] inputs) {
        return finish(runner.run(inputs.length, InputRows.of(inputs), info.outputName()), options.l2Normalize());
    }

    /**
     * Embeds a batch held in a buffer of model-ready values: {@code shape} is {@code [n, ...sampleShape]} (or any
     * shape whose trailing dimensions multiply to the sample length). The buffer's position is not changed.
     */
    public float[][] embed(FloatBuffer data, long[] shape) {
        int n = batchCount(data, shape);
        return finish(runner.run(n, InputRows.of(data), info.outputName()), options.l2Normalize());
    }

    /** Embeds raw samples, applying the model's preprocessing ((x - mean) / std per channel) first. */
    public float[][] embed(Dataset samples) {
        return embed(samples, 0, samples.size());
    }

    /**
     * Embeds raw samples {@code [from, to)} of {@code samples} (preprocessed as in {@link #embed(Dataset)}): the unit
     * of streaming, so a caller can embed and write a large dataset one slice at a time.
     */
    public float[][] embed(Dataset samples, int from, int to) {
        return output(info.outputName(), samples, from, to, options.l2Normalize());
    }

    /** Reads another output of the model (e.g. {@code logits}) for raw samples, preprocessed as in {@link #embed(Dataset)}. */
    public float[][] output(String outputName, Dataset samples) {
        return output(outputName, samples, 0, samples.size(), false);
    }

    /** Reads another output of the model for raw samples {@code [from, to)}. */
    public float[][] output(String outputName, Dataset samples, int from, int to) {
        return output(outputName, samples, from, to, false);
    }

    /** Reads another output of the model for model-ready rows. */
    public float[][] output(String outputName, float[][] inputs) {
        requireOutput(outputName);
        return runner.run(inputs.length, InputRows.of(inputs), outputName);
    }

    /** Output {@code outputName} of samples {@code [from, to)}, L2-normalised when {@code l2}. */
    float[][] output(String outputName, Dataset samples, int from, int to, boolean l2) {
        requireOutput(outputName);
        checkSampleShape(samples);
        if (from < 0 || to < from || to > samples.size()) {
            throw new IndexOutOfBoundsException("rows [" + from + ", " + to + ") of " + samples.size() + " samples");
        }
        return finish(runner.run(to - from, InputRows.of(samples, from, normalizer), outputName), l2);
    }

    /** Output {@code outputName} of model-ready rows, L2-normalised when {@code l2}. */
    float[][] output(String outputName, float[][] inputs, boolean l2) {
        return finish(output(outputName, inputs), l2);
    }

    private static float[][] finish(float[][] rows, boolean l2) {
        if (l2) {
            for (float[] row : rows) {
                l2NormalizeInPlace(row);
            }
        }
        return rows;
    }

    private void requireOutput(String name) {
        if (!info.hasOutput(name)) {
            throw new IllegalArgumentException(info.path() + ": model has no output '" + name + "' (outputs: "
                    + String.join(", ", info.outputNames()) + ")");
        }
    }

    private void checkSampleShape(Dataset samples) {
        int sampleLength = runner.sampleLength();
        if (samples.sampleLength() != sampleLength) {
            throw new IllegalArgumentException(samples.source() + ": expected " + sampleLength + " values per sample (model input "
                    + Arrays.toString(inputShape) + ") but got " + samples.sampleLength() + " (sample shape "
                    + Arrays.toString(samples.sampleShape()) + ")");
        }
        if (samples.sampleShape().length > 1 && !Arrays.equals(samples.sampleShape(), inputShape)) {
            // Same number of values in another layout (e.g. HWC images for a CHW model) would silently scramble pixels.
            throw new IllegalArgumentException(samples.source() + ": sample shape " + Arrays.toString(samples.sampleShape())
                    + " does not match the model input " + Arrays.toString(inputShape));
        }
    }

    private int batchCount(FloatBuffer data, long[] shape) {
        int sampleLength = runner.sampleLength();
        if (shape == null || shape.length < 1) {
            throw new IllegalArgumentException("shape must start with the batch dimension, got " + Arrays.toString(shape));
        }
        long per = 1;
        for (int i = 1; i < shape.length; i++) {
            per *= shape[i];
        }
        if (shape.length == 1) {
            per = sampleLength;
        }
        if (per != sampleLength) {
            throw new IllegalArgumentException("expected " + sampleLength + " values per sample (model input "
                    + Arrays.toString(inputShape) + ") but shape " + Arrays.toString(shape) + " has " + per);
        }
        if (shape[0] < 0 || shape[0] * per != data.remaining()) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + shape[0] * per
                    + " values but the buffer has " + data.remaining() + " remaining");
        }
        return (int) shape[0];
    }

    /**
     * Rejects NaN and infinities in {@code v[offset, offset + len)}, which hold sample number {@code sample}, with the
     * message every input path gives (the server checks requests with it before they join a batch).
     *
     * @throws IllegalArgumentException naming the sample, the position and the value
     */
    public static void checkFinite(float[] v, int offset, int len, int sample) {
        InputRows.checkFinite(v, offset, len, sample);
    }

    /** Scales each row to unit L2 norm (rows of zeros stay zero). */
    public static void l2NormalizeInPlace(float[] row) {
        double ss = 0;
        for (float v : row) {
            ss += (double) v * v;
        }
        if (ss > 0) {
            float inv = (float) (1.0 / Math.sqrt(ss));
            for (int i = 0; i < row.length; i++) {
                row[i] *= inv;
            }
        }
    }

    /**
     * Frees the session once the batches running now have finished (it waits for them); calls that reach their next
     * batch afterwards throw {@link IllegalStateException}. Idempotent.
     */
    @Override
    public void close() {
        runner.close();
    }
}
