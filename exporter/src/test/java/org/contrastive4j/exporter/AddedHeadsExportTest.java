package org.contrastive4j.exporter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.contrastive4j.core.contract.MetadataKeys;
import org.contrastive4j.core.eval.LinearProbe;
import org.contrastive4j.exporter.ExportOptions.Output;
import org.contrastive4j.models.EncoderBlock;
import org.contrastive4j.models.Encoders;
import org.contrastive4j.models.ModelSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The heads added at export: a linear probe as the classifier head, whose ONNX probabilities must be the probe's own
 * (and its predictions the same classes), and the centred embedding, checked against the formula computed here.
 */
class AddedHeadsExportTest {

    private static final int ROWS = 96;
    private static final int CLASSES = 3;

    @TempDir
    Path dir;

    /** Rows of three shifted Gaussian clusters, and their labels. */
    private static float[] clusters(int[] labels, long seed) {
        Random rnd = new Random(seed);
        float[] x = new float[ROWS * 20];
        for (int i = 0; i < ROWS; i++) {
            labels[i] = i % CLASSES;
            for (int k = 0; k < 20; k++) {
                x[i * 20 + k] = (float) (rnd.nextGaussian() + (k % CLASSES == labels[i] ? 2.0 : 0.0));
            }
        }
        return x;
    }

    private static float[][] rows(float[] flat, int n, int d) {
        float[][] r = new float[n][d];
        for (int i = 0; i < n; i++) {
            System.arraycopy(flat, i * d, r[i], 0, d);
        }
        return r;
    }

    private static Map<String, float[]> ort(Path model, float[] x, int n) throws Exception {
        Map<String, float[]> out = new LinkedHashMap<>();
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions();
             OrtSession s = OrtEnvironment.getEnvironment().createSession(model.toString(), so);
             OnnxTensor in = OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), FloatBuffer.wrap(x), new long[] {n, 20});
             OrtSession.Result r = s.run(Map.of("input", in))) {
            for (String name : s.getOutputNames()) {
                FloatBuffer b = ((OnnxTensor) r.get(name).orElseThrow()).getFloatBuffer();
                float[] v = new float[b.remaining()];
                b.get(v);
                out.put(name, v);
            }
        }
        return out;
    }

    @Test
    void theProbeHeadClassifiesAsTheProbeAndTheCentredEmbeddingIsUnitLengthAroundTheMean() throws Exception {
        ModelSpec spec = ModelSpec.mlp(20, new int[] {32}, 16);
        int[] labels = new int[ROWS];
        float[] x = clusters(labels, 7);
        Path out = dir.resolve("heads.onnx");
        try (NDManager m = NDManager.newBaseManager()) {
            EncoderBlock block = Encoders.build(spec).initialize(m);
            TestModels.train(block, m, 2, 16);
            NDList djl = block.forward(new ParameterStore(m, false), new NDList(m.create(x, new Shape(ROWS, 20))), false);
            float[][] embedding = rows(djl.get(EncoderBlock.EMBEDDING).toFloatArray(), ROWS, 16);
            LinearProbe probe = LinearProbe.fit(embedding, labels, CLASSES);
            float[] mean = new float[16];
            for (float[] e : embedding) {
                for (int k = 0; k < 16; k++) {
                    mean[k] += e[k] / ROWS;
                }
            }
            ExportReport r = OnnxExporter.export(block, ExportOptions.builder().linearProbe(probe).embeddingMean(mean)
                    .metadata(MetadataKeys.CLASSIFIER_HEAD, "{\"kind\":\"linear probe\"}").build(), out);
            Map<String, Integer> outs = new LinkedHashMap<>();
            outs.put("embedding", 16);
            outs.put("projection", 16);
            outs.put("logits", CLASSES);
            outs.put("probabilities", CLASSES);
            outs.put("embedding_centered", 16);
            Map<String, String> meta = TestModels.assertStructure(out, spec, outs, r);
            assertEquals("embedding_centered", meta.get(MetadataKeys.DEFAULT_OUTPUT));
            assertEquals("{\"kind\":\"linear probe\"}", meta.get(MetadataKeys.CLASSIFIER_HEAD));
            assertTrue(r.diffByCheck().containsKey("random-8/probabilities"), r.diffByCheck().toString());

            Map<String, float[]> got = ort(out, x, ROWS);
            float[][] want = probe.probabilities(embedding);
            int[] predicted = probe.predict(embedding);
            double worst = 0;
            for (int i = 0; i < ROWS; i++) {
                int best = 0;
                for (int c = 0; c < CLASSES; c++) {
                    worst = Math.max(worst, Math.abs(want[i][c] - got.get("probabilities")[i * CLASSES + c]));
                    best = got.get("probabilities")[i * CLASSES + c] > got.get("probabilities")[i * CLASSES + best] ? c : best;
                }
                assertEquals(predicted[i], best, "row " + i);
            }
            assertTrue(worst < 1e-5, "probabilities differ from the probe's by " + worst);
            assertTrue(probe.accuracy(embedding, labels) > 0.8, "the clusters are separable");

            float[] centered = got.get("embedding_centered");
            for (int i = 0; i < ROWS; i++) {
                double ss = 0;
                for (int k = 0; k < 16; k++) {
                    ss += ((double) embedding[i][k] - mean[k]) * ((double) embedding[i][k] - mean[k]);
                }
                double norm = 0;
                for (int k = 0; k < 16; k++) {
                    double expected = (embedding[i][k] - mean[k]) / Math.sqrt(ss);
                    assertEquals(expected, centered[i * 16 + k], 1e-5, "row " + i + " dim " + k);
                    norm += centered[i * 16 + k] * centered[i * 16 + k];
                }
                assertEquals(1.0, norm, 1e-5);
            }
            assertArrayEquals(got.get("embedding"), djl.get(EncoderBlock.EMBEDDING).toFloatArray(), 1e-5f);
        }
    }

    @Test
    void addedHeadsThatCannotBeBuiltAreRefusedByName() throws Exception {
        Path out = dir.resolve("no.onnx");
        try (NDManager m = NDManager.newBaseManager()) {
            EncoderBlock plain = Encoders.build(ModelSpec.mlp(20, new int[] {32}, 16)).initialize(m);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OnnxExporter.export(plain,
                    ExportOptions.builder().outputs(Output.EMBEDDING, Output.EMBEDDING_CENTERED).build(), out));
            assertTrue(e.getMessage().contains("embedding_centered needs the training embeddings' mean"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> OnnxExporter.export(plain,
                    ExportOptions.builder().embeddingMean(new float[8]).build(), out));
            assertTrue(e.getMessage().contains("the embedding mean has 8 values"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> OnnxExporter.export(plain,
                    ExportOptions.builder().outputs(Output.LOGITS).build(), out));
            assertTrue(e.getMessage().contains("no linear probe was given"), e.getMessage());

            EncoderBlock headed = Encoders.build(ModelSpec.mlp(20, new int[] {32}, 16).withNumClasses(3)).initialize(m);
            int[] labels = new int[ROWS];
            LinearProbe probe = LinearProbe.fit(rows(clusters(labels, 3), ROWS, 20), labels, CLASSES);
            e = assertThrows(IllegalArgumentException.class, () -> OnnxExporter.export(headed,
                    ExportOptions.builder().linearProbe(probe).build(), out));
            assertTrue(e.getMessage().contains("has its own classifier head"), e.getMessage());
            assertFalse(Files.exists(out));
        }
    }
}
