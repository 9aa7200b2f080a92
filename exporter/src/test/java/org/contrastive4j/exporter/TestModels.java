package org.contrastive4j.exporter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.contrastive4j.core.contract.MetadataKeys;
import org.contrastive4j.models.DjlRuntime;
import org.contrastive4j.models.EncoderBlock;
import org.contrastive4j.models.ModelSpec;

/** Shared test helpers: a few SGD steps in training mode, and structural checks of an exported file. */
final class TestModels {

    private TestModels() {}

    /**
     * Runs {@code steps} SGD steps with training-mode forward passes on shifted, scaled noise, so BatchNorm running
     * statistics move away from (0, 1) and weights away from their initialisation; asserts that the statistics moved.
     */
    static void train(EncoderBlock block, NDManager manager, int steps, int batch) {
        DjlRuntime.engine();
        List<Parameter> params = new ArrayList<>();
        List<Parameter> running = new ArrayList<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (p.getKey().endsWith("runningMean") || p.getKey().endsWith("runningVar")) {
                running.add(p.getValue());
            } else if (p.getValue().requiresGradient()) {
                p.getValue().getArray().setRequiresGradient(true);
                params.add(p.getValue());
            }
        }
        List<float[]> before = running.stream().map(p -> p.getArray().toFloatArray()).toList();
        Optimizer sgd = Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.05f)).build();
        ParameterStore ps = new ParameterStore(manager, false);
        for (int step = 0; step < steps; step++) {
            try (NDManager sub = manager.newSubManager()) {
                NDArray x = sub.randomNormal(block.inputShape(batch)).mul(2).add(0.5);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDList out = block.forward(ps, new NDList(x), true);
                    NDArray loss = out.get(1).get(":, 0").neg().mean().add(out.get(0).square().mean().mul(0.01));
                    if (out.size() > 2) {
                        loss = loss.add(out.get(2).square().mean().mul(0.1));
                    }
                    gc.backward(loss);
                }
                for (Parameter p : params) {
                    sgd.update(p.getId(), p.getArray(), p.getArray().getGradient());
                }
            }
        }
        for (int i = 0; i < running.size(); i++) {
            float[] now = running.get(i).getArray().toFloatArray();
            float moved = 0;
            for (int j = 0; j < now.length; j++) {
                moved = Math.max(moved, Math.abs(now[j] - before.get(i)[j]));
            }
            assertTrue(moved > 1e-3, "BatchNorm running statistic " + running.get(i).getName() + " did not move");
        }
    }

    /** Loads {@code file} in ONNX Runtime and checks names, shapes, the dynamic batch and the metadata. */
    static Map<String, String> assertStructure(Path file, ModelSpec spec, Map<String, Integer> outputs, ExportReport report)
            throws Exception {
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions();
             OrtSession s = OrtEnvironment.getEnvironment().createSession(file.toString(), so)) {
            assertEquals(List.of("input"), List.copyOf(s.getInputNames()));
            TensorInfo in = (TensorInfo) s.getInputInfo().get("input").getInfo();
            long[] expected = new long[spec.inputShape().length + 1];
            expected[0] = -1;
            for (int i = 0; i < spec.inputShape().length; i++) {
                expected[i + 1] = spec.inputShape()[i];
            }
            assertArrayEquals(expected, in.getShape(), "input shape");
            assertEquals("batch", in.getDimensionNames()[0]);
            Map<String, NodeInfo> outs = s.getOutputInfo();
            assertEquals(outputs.keySet(), outs.keySet());
            for (Map.Entry<String, Integer> e : outputs.entrySet()) {
                TensorInfo t = (TensorInfo) outs.get(e.getKey()).getInfo();
                assertArrayEquals(new long[] {-1, e.getValue()}, t.getShape(), e.getKey() + " shape");
            }
            Map<String, String> meta = s.getMetadata().getCustomMetadata();
            for (String k : List.of(MetadataKeys.FORMAT_VERSION, MetadataKeys.MODEL_SPEC, MetadataKeys.INPUT_SHAPE,
                    MetadataKeys.VERSIONS, MetadataKeys.PARITY_MAX_ABS_DIFF, MetadataKeys.CREATED, MetadataKeys.EMBEDDING_DIM)) {
                assertTrue(meta.containsKey(k), "metadata lacks " + k);
            }
            assertEquals(spec, ModelSpec.fromJson(meta.get(MetadataKeys.MODEL_SPEC)));
            assertEquals(report.maxAbsDiff(), Double.parseDouble(meta.get(MetadataKeys.PARITY_MAX_ABS_DIFF)));
            assertEquals(report.maxScaledDiff(), Double.parseDouble(meta.get(MetadataKeys.PARITY_MAX_SCALED_DIFF)));
            assertEquals(Integer.toString(spec.embeddingDim()), meta.get(MetadataKeys.EMBEDDING_DIM));
            assertEquals("1", meta.get(MetadataKeys.FORMAT_VERSION));
            assertEquals(Files.size(file), report.fileBytes());
            return meta;
        }
    }

    /**
     * Parity measured here, independently of the exporter's own check: a fresh seeded batch of {@code batch} rows
     * (a size the exporter does not try) through DJL in inference mode and through ONNX Runtime on the written file;
     * every output must agree within 1e-4 of max(1, |DJL|).
     */
    static void assertIndependentParity(Path file, EncoderBlock block, NDManager manager, int batch, long seed)
            throws Exception {
        Shape shape = block.inputShape(batch);
        float[] x = new float[(int) shape.size()];
        Random rnd = new Random(seed);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        try (NDManager sub = manager.newSubManager()) {
            NDList djl = block.forward(new ParameterStore(sub, false), new NDList(sub.create(x, shape)), false);
            try (OrtSession.SessionOptions so = new OrtSession.SessionOptions();
                 OrtSession s = OrtEnvironment.getEnvironment().createSession(file.toString(), so);
                 OnnxTensor in = OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), FloatBuffer.wrap(x), shape.getShape());
                 OrtSession.Result r = s.run(Map.of("input", in))) {
                String[] names = {"embedding", "projection", "logits"}; // the documented output names, in DJL's order
                for (int o = 0; o < Math.min(djl.size(), names.length); o++) {
                    float[] want = djl.get(o).toFloatArray();
                    FloatBuffer got = ((OnnxTensor) r.get(names[o]).orElseThrow()).getFloatBuffer();
                    assertEquals(want.length, got.remaining(), names[o] + " size");
                    double worst = 0;
                    for (int i = 0; i < want.length; i++) {
                        worst = Math.max(worst, Math.abs(want[i] - got.get(i)) / Math.max(1, Math.abs(want[i])));
                    }
                    assertTrue(worst <= 1e-4, names[o] + ": DJL and ONNX Runtime differ by " + worst);
                }
            }
        }
    }

    /** Files in {@code dir} other than {@code keep}: temporary leftovers of a failed export would show up here. */
    static List<Path> others(Path dir, Path keep) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> !p.equals(keep)).toList();
        }
    }
}
