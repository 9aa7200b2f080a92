package org.contrastive4j.inference;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.contrastive4j.core.contract.MetadataKeys;
import org.contrastive4j.core.contract.ModelMetadata;
import org.contrastive4j.core.data.DataSources;
import org.contrastive4j.core.data.Dataset;
import org.contrastive4j.core.data.LoadOptions;
import org.contrastive4j.core.data.Samples;
import org.contrastive4j.core.device.DeviceSpec;
import org.contrastive4j.core.knn.ModelFingerprint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns samples into embeddings with one ONNX Runtime session.
 *
 * <p>Thread-safe: share one instance between threads (ORT's {@code run} is thread-safe); each call borrows a direct
 * input buffer from a small pool, so concurrent calls never share one and steady-state calls allocate no native
 * memory beyond ORT's own arena. Every tensor and result is closed before a call returns. Do not call
 * {@link #close()} while other threads are still embedding.
 *
 * <p>Inputs are validated before they reach the model: the number of values per sample must match the model's input
 * shape, and NaN / infinite values are rejected with the sample's index.
 */
public final class Embedder implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Embedder.class);
    private static final AtomicBoolean AUTO_FALLBACK_WARNED = new AtomicBoolean();

    /** What {@code device cuda} needs, named in every CUDA failure. */
    static final String CUDA_HELP = "device cuda needs the GPU build of ONNX Runtime (build with -Pcuda, which swaps in "
            + "com.microsoft.onnxruntime:onnxruntime_gpu 1.29.0 for the CPU-only onnxruntime jar) and the CUDA 12 / cuDNN 9 "
            + "libraries it loads (libcudart.so.12, libcublas.so.12, libcublasLt.so.12, libcurand.so.10, libcufft.so.11, "
            + "libcudnn.so.9) on LD_LIBRARY_PATH, plus an NVIDIA driver";

    private final OrtEnvironment env;
    private final OrtSession session;
    private final ModelInfo info;
    private final EmbedderOptions options;
    private final int[] inputShape;
    private final long[] sampleDims;
    private final int sampleLength;
    private final int batchSize;
    private final Normalizer normalizer;
    private final ConcurrentLinkedQueue<Slot> slots = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;

    private Embedder(OrtEnvironment env, OrtSession session, ModelInfo info, EmbedderOptions options) {
        this.env = env;
        this.session = session;
        this.info = info;
        this.options = options;
        this.inputShape = info.inputShape();
        this.sampleDims = Arrays.stream(inputShape).asLongStream().toArray();
        this.sampleLength = info.inputLength();
        this.batchSize = info.fixedBatch() > 0 ? (int) info.fixedBatch() : options.batchSize();
        this.normalizer = info.mean() == null ? null : new Normalizer(inputShape, info.mean(), info.std());
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
        if (!Files.isRegularFile(model)) {
            throw new NoSuchFileException(model.toString(), null, "model file not found");
        }
        String sha = sha256(model);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        SessionResult opened = createSession(env, model, options);
        try {
            ModelInfo info = describe(model, sha, opened.session, options, opened.device);
            return new Embedder(env, opened.session, info, options);
        } catch (IOException | RuntimeException e) {
            closeQuietly(opened.session);
            throw e;
        } catch (OrtException e) {
            closeQuietly(opened.session);
            throw new IOException(model + ": cannot inspect model (" + e.getMessage() + ")", e);
        }
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
     * Reads an input (IDX, image folder, CSV, NPY, CIFAR; see {@link DataSources}) shaped for this model: feature
     * rows reshaped and images converted/resized to its per-sample input shape. The values stay raw (e.g. pixels in
     * [0, 1]); {@link #embed(Samples)} applies the normalisation.
     */
    public Samples read(Path input, LoadOptions options) throws IOException {
        return DataSources.load(input, options.toBuilder().sampleShape(inputShape).build());
    }

    public Samples read(Path input) throws IOException {
        return read(input, LoadOptions.DEFAULTS);
    }

    /** Embeds model-ready rows (already normalised, each flattened to the model's per-sample input shape). */
    public float[][] embed(float[][] inputs) {
        return runRows(inputs.length, new ArrayRows(inputs), info.outputName(), options.l2Normalize());
    }

    /**
     * Embeds a batch held in a buffer of model-ready values: {@code shape} is {@code [n, ...sampleShape]} (or any
     * shape whose trailing dimensions multiply to the sample length). The buffer's position is not changed.
     */
    public float[][] embed(FloatBuffer data, long[] shape) {
        int n = batchCount(data, shape);
        return runRows(n, new BufferRows(data), info.outputName(), options.l2Normalize());
    }

    /** Embeds raw samples, applying the model's preprocessing ((x - mean) / std per channel) first. */
    public float[][] embed(Dataset samples) {
        return output(info.outputName(), samples, options.l2Normalize());
    }

    /** Reads another output of the model (e.g. {@code logits}) for raw samples, preprocessed as in {@link #embed(Samples)}. */
    public float[][] output(String outputName, Dataset samples) {
        return output(outputName, samples, false);
    }

    /** Reads another output of the model for model-ready rows. */
    public float[][] output(String outputName, float[][] inputs) {
        requireOutput(outputName);
        return runRows(inputs.length, new ArrayRows(inputs), outputName, false);
    }

    private float[][] output(String outputName, Dataset samples, boolean l2) {
        requireOutput(outputName);
        checkSampleShape(samples);
        return runRows(samples.size(), new SampleRows(samples, normalizer), outputName, l2);
    }

    private void requireOutput(String name) {
        if (!info.hasOutput(name)) {
            throw new IllegalArgumentException(info.path() + ": model has no output '" + name + "' (outputs: "
                    + String.join(", ", info.outputNames()) + ")");
        }
    }

    private void checkSampleShape(Dataset samples) {
        if (samples.sampleLength() != sampleLength) {
            throw new IllegalArgumentException(samples.source() + ": expected " + sampleLength + " values per sample (model input "
                    + Arrays.toString(info.inputShape()) + ") but got " + samples.sampleLength() + " (sample shape "
                    + Arrays.toString(samples.sampleShape()) + ")");
        }
        if (samples.sampleShape().length > 1 && !Arrays.equals(samples.sampleShape(), inputShape)) {
            // Same number of values in another layout (e.g. HWC images for a CHW model) would silently scramble pixels.
            throw new IllegalArgumentException(samples.source() + ": sample shape " + Arrays.toString(samples.sampleShape())
                    + " does not match the model input " + Arrays.toString(info.inputShape()));
        }
    }

    private int batchCount(FloatBuffer data, long[] shape) {
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
                    + Arrays.toString(info.inputShape()) + ") but shape " + Arrays.toString(shape) + " has " + per);
        }
        if (shape[0] < 0 || shape[0] * per != data.remaining()) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + shape[0] * per
                    + " values but the buffer has " + data.remaining() + " remaining");
        }
        return (int) shape[0];
    }

    /** Runs the model over {@code n} rows in batches and collects one output row per sample. */
    private float[][] runRows(int n, RowSource source, String outputName, boolean l2) {
        if (closed) {
            throw new IllegalStateException("embedder for " + info.path() + " is closed");
        }
        float[][] out = new float[n][];
        if (n == 0) {
            return out;
        }
        Set<String> wanted = Set.of(outputName);
        Slot slot = borrow();
        try {
            for (int start = 0; start < n; start += batchSize) {
                int count = Math.min(batchSize, n - start);
                // A graph with a fixed batch dimension gets every batch padded with zeros to that size.
                int runCount = info.fixedBatch() > 0 ? batchSize : count;
                int len = runCount * sampleLength;
                FloatBuffer in = slot.buffer;
                in.clear();
                source.fill(start, count, sampleLength, in, slot.scratch);
                while (in.position() < len) {
                    in.put(0f);
                }
                in.flip();
                long[] shape = new long[sampleDims.length + 1];
                shape[0] = runCount;
                System.arraycopy(sampleDims, 0, shape, 1, sampleDims.length);
                if (in.remaining() != len) {
                    throw new IllegalStateException("filled " + in.remaining() + " values, expected " + len);
                }
                try (OnnxTensor tensor = OnnxTensor.createTensor(env, in, shape);
                        OrtSession.Result result = session.run(Map.of(info.inputName(), tensor), wanted)) {
                    readRows(result, outputName, out, start, count, runCount);
                }
            }
        } catch (OrtException e) {
            throw new IllegalStateException(info.path() + ": ONNX Runtime failed: " + e.getMessage(), e);
        } finally {
            slots.offer(slot);
        }
        if (l2) {
            for (float[] row : out) {
                l2NormalizeInPlace(row);
            }
        }
        return out;
    }

    private static void readRows(OrtSession.Result result, String name, float[][] out, int start, int count, int runCount)
            throws OrtException {
        OnnxValue value = result.get(name).orElseThrow(() -> new IllegalStateException("model produced no '" + name + "'"));
        if (!(value instanceof OnnxTensor t) || t.getInfo().type != OnnxJavaType.FLOAT) {
            throw new IllegalArgumentException("model output '" + name + "' is not a float tensor (" + value.getInfo() + ")");
        }
        FloatBuffer fb = t.getFloatBuffer();
        if (fb.remaining() % runCount != 0) {
            throw new IllegalStateException("output '" + name + "' has " + fb.remaining() + " values for " + runCount + " samples");
        }
        int dim = fb.remaining() / runCount;
        for (int i = 0; i < count; i++) {
            float[] row = new float[dim];
            fb.get(row);
            out[start + i] = row;
        }
    }

    private Slot borrow() {
        Slot s = slots.poll();
        return s != null ? s : new Slot(batchSize * sampleLength);
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

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            closeQuietly(session);
            slots.clear();
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Opening

    private record SessionResult(OrtSession session, DeviceSpec device) {}

    private static SessionResult createSession(OrtEnvironment env, Path model, EmbedderOptions o) throws IOException {
        DeviceSpec requested = o.device();
        boolean cudaBuilt = OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA);
        if (requested.isGpu() && !cudaBuilt) {
            throw new DeviceUnavailableException("device " + requested + " requested, but this ONNX Runtime build has no CUDA "
                    + "execution provider; " + CUDA_HELP, null);
        }
        if (requested.kind() != DeviceSpec.Kind.CPU && cudaBuilt) {
            DeviceSpec gpu = requested.isGpu() ? DeviceSpec.gpu(requested.singleGpu()) : DeviceSpec.gpu(0);
            try {
                return new SessionResult(session(env, model, o, gpu), gpu);
            } catch (OrtException | RuntimeException | UnsatisfiedLinkError e) {
                if (requested.isGpu()) {
                    throw new DeviceUnavailableException("device " + requested + " could not be used (" + e.getMessage()
                            + "); " + CUDA_HELP, e);
                }
                if (AUTO_FALLBACK_WARNED.compareAndSet(false, true)) {
                    LOG.warn("device auto: running on CPU because CUDA could not be initialised ({})", e.getMessage());
                }
            }
        } else if (requested.kind() == DeviceSpec.Kind.AUTO) {
            // The usual case on a CPU build: nothing to warn about (build with -Pcuda for GPU inference).
            LOG.debug("device auto: this ONNX Runtime build has no CUDA execution provider; running on CPU");
        }
        try {
            return new SessionResult(session(env, model, o, DeviceSpec.CPU), DeviceSpec.CPU);
        } catch (OrtException e) {
            throw new IOException(model + ": not a valid ONNX model (" + firstLine(e.getMessage()) + ")", e);
        }
    }

    private static OrtSession session(OrtEnvironment env, Path model, EmbedderOptions o, DeviceSpec device) throws OrtException {
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setOptimizationLevel(o.optimizationLevel());
            if (o.intraOpThreads() > 0) {
                so.setIntraOpNumThreads(o.intraOpThreads());
            }
            if (!o.spinning()) {
                so.addConfigEntry("session.intra_op.allow_spinning", "0");
            }
            if (device.isGpu()) {
                so.addCUDA(device.singleGpu());
            }
            return env.createSession(model.toString(), so);
        }
    }

    private static ModelInfo describe(Path model, String sha, OrtSession session, EmbedderOptions o, DeviceSpec device)
            throws OrtException, IOException {
        Map<String, NodeInfo> inputs = session.getInputInfo();
        if (inputs.size() != 1) {
            throw new IllegalArgumentException(model + ": expected a model with a single input, found " + inputs.size() + " "
                    + inputs.keySet());
        }
        NodeInfo input = inputs.values().iterator().next();
        if (!(input.getInfo() instanceof TensorInfo ti) || ti.type != OnnxJavaType.FLOAT) {
            throw new IllegalArgumentException(model + ": input '" + input.getName() + "' must be a float32 tensor, found "
                    + input.getInfo());
        }
        long[] dims = ti.getShape();
        if (dims.length < 2) {
            throw new IllegalArgumentException(model + ": input '" + input.getName() + "' has shape " + Arrays.toString(dims)
                    + "; expected [batch, ...sample shape]");
        }
        Map<String, String> meta = session.getMetadata().getCustomMetadata();
        int[] shape = resolveInputShape(model, input.getName(), dims, o, meta);

        Map<String, long[]> outputs = new LinkedHashMap<>();
        for (NodeInfo out : session.getOutputInfo().values()) {
            long[] od = out.getInfo() instanceof TensorInfo t ? t.getShape() : new long[0];
            outputs.put(out.getName(), od.length == 0 ? od : Arrays.copyOfRange(od, 1, od.length));
        }
        String outputName = o.outputName().orElse(outputs.containsKey("embedding") ? "embedding" : outputs.keySet().iterator().next());
        if (!outputs.containsKey(outputName)) {
            throw new IllegalArgumentException(model + ": model has no output '" + outputName + "' (outputs: "
                    + String.join(", ", outputs.keySet()) + ")");
        }

        float[] mean = o.mean().orElse(ModelMetadata.floatArray(model, meta, MetadataKeys.INPUT_MEAN));
        float[] std = o.std().orElse(ModelMetadata.floatArray(model, meta, MetadataKeys.INPUT_STD));
        if ((mean == null) != (std == null)) {
            throw new IOException(model + ": metadata has only one of " + MetadataKeys.INPUT_MEAN + " and " + MetadataKeys.INPUT_STD);
        }
        if (mean != null) {
            Normalizer.check(model, shape, mean, std);
        }
        List<String> classNames = ModelMetadata.stringList(model, meta, MetadataKeys.CLASS_NAMES);
        return new ModelInfo(model, sha, input.getName(), shape, dims[0] > 0 ? dims[0] : -1, outputName, outputs, meta, mean,
                std, classNames, device);
    }

    private static int[] resolveInputShape(Path model, String name, long[] dims, EmbedderOptions o, Map<String, String> meta)
            throws IOException {
        long[] graph = Arrays.copyOfRange(dims, 1, dims.length);
        int[] shape = o.inputShape().orElse(null);
        String from = "the input shape option";
        if (shape == null) {
            shape = ModelMetadata.intArray(model, meta, MetadataKeys.INPUT_SHAPE);
            from = "metadata " + MetadataKeys.INPUT_SHAPE;
        }
        if (shape == null) {
            shape = new int[graph.length];
            for (int i = 0; i < graph.length; i++) {
                if (graph[i] <= 0) {
                    throw new IllegalArgumentException(model + ": input '" + name + "' has a dynamic sample shape "
                            + Arrays.toString(dims) + "; give the per-sample input shape explicitly (--input-shape)");
                }
                shape[i] = (int) graph[i];
            }
            return shape;
        }
        boolean fits = shape.length == graph.length;
        for (int i = 0; fits && i < graph.length; i++) {
            fits = graph[i] <= 0 || graph[i] == shape[i];
        }
        if (!fits) {
            throw new IllegalArgumentException(model + ": " + from + " " + Arrays.toString(shape) + " does not fit input '" + name
                    + "' of shape " + Arrays.toString(dims) + " (batch first)");
        }
        return shape;
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int r; (r = in.read(buf)) > 0; ) {
                md.update(buf, 0, r);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    private static String firstLine(String s) {
        return s == null ? "unknown error" : s.lines().findFirst().orElse(s).trim();
    }

    private static void closeQuietly(OrtSession s) {
        try {
            s.close();
        } catch (OrtException e) {
            LOG.debug("closing session failed", e);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Filling the input buffer

    /** A reusable direct input buffer and a heap scratch array (samples are read and normalised there) for one call at a time. */
    private static final class Slot {
        final FloatBuffer buffer;
        final float[] scratch;

        Slot(int capacity) {
            buffer = ByteBuffer.allocateDirect(capacity * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
            scratch = new float[capacity];
        }
    }

    /** Copies rows {@code [start, start + count)} into the buffer, validating them on the way. */
    private interface RowSource {
        void fill(int start, int count, int len, FloatBuffer dst, float[] scratch);
    }

    private record ArrayRows(float[][] rows) implements RowSource {
        @Override
        public void fill(int start, int count, int len, FloatBuffer dst, float[] scratch) {
            for (int i = start; i < start + count; i++) {
                float[] row = rows[i];
                if (row == null || row.length != len) {
                    throw new IllegalArgumentException("expected " + len + " values per sample but row " + i + " has "
                            + (row == null ? "none" : row.length));
                }
                checkFinite(row, 0, len, i);
                dst.put(row);
            }
        }
    }

    private record BufferRows(FloatBuffer data) implements RowSource {
        @Override
        public void fill(int start, int count, int len, FloatBuffer dst, float[] scratch) {
            FloatBuffer src = data.duplicate();
            int from = data.position() + start * len;
            src.position(from).limit(from + count * len);
            for (int i = 0; i < count; i++) {
                for (int j = 0; j < len; j++) {
                    if (!Float.isFinite(src.get(from + i * len + j))) {
                        throw nonFinite(start + i, j, src.get(from + i * len + j));
                    }
                }
            }
            dst.put(src);
        }
    }

    private record SampleRows(Dataset samples, Normalizer normalizer) implements RowSource {
        @Override
        public void fill(int start, int count, int len, FloatBuffer dst, float[] scratch) {
            for (int i = 0; i < count; i++) {
                samples.read(start + i, scratch, i * len);
                checkFinite(scratch, i * len, len, start + i);
            }
            if (normalizer != null) {
                normalizer.apply(scratch, 0, scratch, count);
            }
            dst.put(scratch, 0, count * len);
        }
    }

    /**
     * Rejects NaN and infinities. Multiplying by zero turns any of them into NaN, which survives the sum; four
     * independent sums keep the pass from being bound by the latency of one long chain of additions.
     */
    static void checkFinite(float[] v, int offset, int len, int sample) {
        float a0 = 0;
        float a1 = 0;
        float a2 = 0;
        float a3 = 0;
        int end = offset + len;
        int j = offset;
        for (; j + 3 < end; j += 4) {
            a0 += v[j] * 0f;
            a1 += v[j + 1] * 0f;
            a2 += v[j + 2] * 0f;
            a3 += v[j + 3] * 0f;
        }
        for (; j < end; j++) {
            a0 += v[j] * 0f;
        }
        if (a0 + a1 + a2 + a3 != 0) {
            for (int k = offset; k < end; k++) {
                if (!Float.isFinite(v[k])) {
                    throw nonFinite(sample, k - offset, v[k]);
                }
            }
        }
    }

    private static IllegalArgumentException nonFinite(int sample, int index, float value) {
        return new IllegalArgumentException("input sample " + sample + " has " + (Float.isNaN(value) ? "NaN" : "an infinite value")
                + " at position " + index + "; inputs must be finite numbers");
    }

    /** Per-channel {@code (x - mean) / std} over channel-first samples. */
    static final class Normalizer {
        private final int len;
        private final int plane;
        private final float[] mean;
        private final float[] invStd;

        Normalizer(int[] shape, float[] mean, float[] std) {
            int l = 1;
            for (int d : shape) {
                l *= d;
            }
            this.len = l;
            int channels = mean.length;
            this.plane = l / channels;
            this.mean = mean.clone();
            this.invStd = new float[std.length];
            for (int c = 0; c < std.length; c++) {
                invStd[c] = 1f / std[c];
            }
        }

        static void check(Path model, int[] shape, float[] mean, float[] std) {
            if (mean.length != std.length) {
                throw new IllegalArgumentException(model + ": mean has " + mean.length + " values but std has " + std.length);
            }
            for (float s : std) {
                if (!(s > 0) || !Float.isFinite(s)) {
                    throw new IllegalArgumentException(model + ": std values must be positive, got " + Arrays.toString(std));
                }
            }
            if (mean.length != 1 && mean.length != shape[0]) {
                throw new IllegalArgumentException(model + ": " + mean.length + " mean/std values for input shape "
                        + Arrays.toString(shape) + " (need 1, or one per channel = " + shape[0] + ")");
            }
        }

        /**
         * Copies {@code count} samples from {@code src} at {@code offset} into {@code dst} at 0 and normalises them
         * there. Copy first, then a loop over one array with one index: the shape C2 vectorises on Java 17 (a loop
         * reading and writing two arrays at different offsets it leaves scalar).
         */
        void apply(float[] src, int offset, float[] dst, int count) {
            System.arraycopy(src, offset, dst, 0, count * len);
            int channels = mean.length;
            for (int s = 0; s < count; s++) {
                for (int c = 0; c < channels; c++) {
                    int from = s * len + c * plane;
                    scaleShift(dst, from, from + plane, mean[c], invStd[c]);
                }
            }
        }

        private static void scaleShift(float[] x, int from, int to, float m, float k) {
            for (int i = from; i < to; i++) {
                x[i] = (x[i] - m) * k;
            }
        }
    }
}
