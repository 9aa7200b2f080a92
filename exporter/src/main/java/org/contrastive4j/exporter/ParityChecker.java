package org.contrastive4j.exporter;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.contrastive4j.core.eval.LinearProbe;
import org.contrastive4j.exporter.ExportOptions.Output;
import org.contrastive4j.models.EncoderBlock;

/** Runs the same batches through DJL (inference mode) and ONNX Runtime and measures the largest difference. */
final class ParityChecker {

    /** One input batch: {@code random-8}, {@code real-64}. */
    record Check(String name, float[] input, int batch) {}

    private ParityChecker() {}

    static List<Check> checks(ExportOptions options, int sampleLength) {
        List<Check> checks = new ArrayList<>();
        Random rng = new Random(options.seed());
        for (int b : options.randomBatchSizes()) {
            float[] x = new float[b * sampleLength];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) rng.nextGaussian();
            }
            checks.add(new Check("random-" + b, x, b));
        }
        Optional<float[]> real = options.realBatch();
        if (real.isPresent()) {
            int n = options.realBatchSize();
            if (real.get().length != n * sampleLength) {
                throw new IllegalArgumentException("real batch has " + real.get().length + " values, expected " + n + " samples x "
                        + sampleLength + " = " + (long) n * sampleLength);
            }
            checks.add(new Check("real-" + n, real.get(), n));
        }
        return checks;
    }

    /**
     * The reference outputs: DJL's with training = false (BN uses running statistics), and for the outputs added at
     * export ({@link AddedHeads}) their own computation on DJL's embedding.
     */
    static Map<Output, float[]> djl(EncoderBlock block, Check check, Set<Output> outputs, ExportOptions options) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(check.input(), block.inputShape(check.batch()));
            NDList out = block.forward(new ParameterStore(m, false), new NDList(x), false);
            float[] embedding = out.get(EncoderBlock.EMBEDDING).toFloatArray();
            Optional<LinearProbe> probe = block.hasClassifier() ? Optional.empty() : options.linearProbe();
            Map<Output, float[]> r = new EnumMap<>(Output.class);
            for (Output o : outputs) {
                float[] a = switch (o) {
                    case EMBEDDING -> embedding;
                    case PROJECTION -> out.get(EncoderBlock.PROJECTION).toFloatArray();
                    case LOGITS -> probe.isPresent() ? AddedHeads.probeReference(probe.get(), embedding, check.batch(), false)
                            : out.get(EncoderBlock.LOGITS).toFloatArray();
                    case PROBABILITIES -> probe.isPresent() ? AddedHeads.probeReference(probe.get(), embedding, check.batch(), true)
                            : out.get(EncoderBlock.LOGITS).softmax(1).toFloatArray();
                    case EMBEDDING_CENTERED -> AddedHeads.centeredReference(embedding, check.batch(),
                            options.embeddingMean().orElseThrow());
                };
                r.put(o, a);
            }
            return r;
        }
    }

    /**
     * Per {@code check/output}: {@code abs} = max |DJL - ORT|, {@code scaled} = abs / max(1, max |DJL|). A missing
     * output, a wrong size or a NaN counts as infinite.
     */
    record Diffs(Map<String, Double> abs, Map<String, Double> scaled) {
        double maxAbs() {
            return abs.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
        }

        double maxScaled() {
            return scaled.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
        }

        String worst() {
            return Collections.max(scaled.entrySet(), Map.Entry.comparingByValue()).getKey();
        }
    }

    static Diffs compare(Path model, int[] sampleShape, List<Check> checks, List<Map<Output, float[]>> refs)
            throws IOException {
        Map<String, Double> abs = new LinkedHashMap<>();
        Map<String, Double> scaled = new LinkedHashMap<>();
        OrtEnvironment env = OrtRuntime.environment(); // process-wide singleton: not ours to close
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions();
             OrtSession session = env.createSession(model.toString(), so)) {
            for (int i = 0; i < checks.size(); i++) {
                Check c = checks.get(i);
                long[] shape = new long[sampleShape.length + 1];
                shape[0] = c.batch();
                for (int d = 0; d < sampleShape.length; d++) {
                    shape[d + 1] = sampleShape[d];
                }
                try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(c.input()), shape);
                     OrtSession.Result result = session.run(Map.of("input", t))) {
                    for (Map.Entry<Output, float[]> e : refs.get(i).entrySet()) {
                        Optional<OnnxValue> v = result.get(e.getKey().onnxName());
                        double d = v.isPresent() && v.get() instanceof OnnxTensor ot
                                ? maxAbsDiff(e.getValue(), toArray(ot.getFloatBuffer()))
                                : Double.POSITIVE_INFINITY;
                        String key = c.name() + "/" + e.getKey().onnxName();
                        abs.put(key, d);
                        scaled.put(key, d / Math.max(1.0, peak(e.getValue())));
                    }
                }
            }
        } catch (OrtException e) {
            throw new IOException("ONNX Runtime could not run the exported model: " + e.getMessage(), e);
        }
        return new Diffs(abs, scaled);
    }

    private static double peak(float[] a) {
        double m = 0;
        for (float f : a) {
            m = Math.max(m, Math.abs(f));
        }
        return m;
    }

    static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            return Double.POSITIVE_INFINITY;
        }
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs((double) a[i] - b[i]);
            if (!(d <= max)) {
                max = Double.isNaN(d) ? Double.POSITIVE_INFINITY : d;
            }
        }
        return max;
    }

    private static float[] toArray(FloatBuffer fb) {
        float[] r = new float[fb.remaining()];
        fb.get(r);
        return r;
    }
}
