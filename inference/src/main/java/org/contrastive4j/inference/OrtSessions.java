package org.contrastive4j.inference;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.io.IOException;
import java.io.InputStream;
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
import java.util.concurrent.atomic.AtomicBoolean;
import org.contrastive4j.core.contract.MetadataKeys;
import org.contrastive4j.core.contract.ModelMetadata;
import org.contrastive4j.core.device.CpuCores;
import org.contrastive4j.core.device.DeviceSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens an ONNX Runtime session for a model file: the device choice (an explicit GPU fails with what is missing;
 * {@code auto} falls back to the CPU with one warning), the session options, and what the model declares
 * ({@link ModelInfo}: its single float input, outputs, c4j metadata, SHA-256).
 */
final class OrtSessions {

    private static final Logger LOG = LoggerFactory.getLogger(OrtSessions.class);
    private static final AtomicBoolean AUTO_FALLBACK_WARNED = new AtomicBoolean();

    /** What {@code device cuda} needs, named in every CUDA failure. */
    static final String CUDA_HELP = "device cuda needs the GPU build of ONNX Runtime (build with -Pcuda, which swaps in "
            + "com.microsoft.onnxruntime:onnxruntime_gpu 1.29.0 for the CPU-only onnxruntime jar) and the CUDA 12 / cuDNN 9 "
            + "libraries it loads (libcudart.so.12, libcublas.so.12, libcublasLt.so.12, libcurand.so.10, libcufft.so.11, "
            + "libcudnn.so.9) on LD_LIBRARY_PATH, plus an NVIDIA driver";

    private OrtSessions() {}

    /** An open session and what it serves; the caller owns (and closes) the session. */
    record Opened(OrtEnvironment env, OrtSession session, ModelInfo info) {}

    /** Opens {@code model}; see {@link Embedder#open(Path, EmbedderOptions)} for what it throws. */
    static Opened open(Path model, EmbedderOptions options) throws IOException {
        if (!Files.isRegularFile(model)) {
            throw new NoSuchFileException(model.toString(), null, "model file not found");
        }
        String sha = sha256(model);
        OrtEnvironment env = OrtRuntime.environment();
        SessionResult opened = createSession(env, model, options);
        try {
            ModelInfo info = describe(model, sha, opened.session, options, opened.device);
            return new Opened(env, opened.session, info);
        } catch (IOException | RuntimeException e) {
            closeQuietly(opened.session);
            throw e;
        } catch (OrtException e) {
            closeQuietly(opened.session);
            throw new IOException(model + ": cannot inspect model (" + e.getMessage() + ")", e);
        }
    }

    private record SessionResult(OrtSession session, DeviceSpec device) {}

    private static SessionResult createSession(OrtEnvironment env, Path model, EmbedderOptions o) throws IOException {
        DeviceSpec requested = o.device();
        boolean cudaBuilt = OrtRuntime.providers().contains(OrtProvider.CUDA);
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
            // 0 is one thread per physical core, counted here: ONNX Runtime's own default can count fewer (see CpuCores).
            so.setIntraOpNumThreads(o.intraOpThreads() > 0 ? o.intraOpThreads() : CpuCores.physical());
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
        String outputName = o.outputName().orElse(defaultOutput(outputs, meta));
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

    /**
     * The output read when none is named: the one the model's metadata names for similarity
     * ({@link MetadataKeys#DEFAULT_OUTPUT}, when the model has it), else {@code embedding}, else the first.
     */
    static String defaultOutput(Map<String, long[]> outputs, Map<String, String> meta) {
        String declared = meta.get(MetadataKeys.DEFAULT_OUTPUT);
        if (declared != null && outputs.containsKey(declared)) {
            return declared;
        }
        return outputs.containsKey("embedding") ? "embedding" : outputs.keySet().iterator().next();
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

    static void closeQuietly(OrtSession s) {
        try {
            s.close();
        } catch (OrtException e) {
            LOG.debug("closing session failed", e);
        }
    }
}
