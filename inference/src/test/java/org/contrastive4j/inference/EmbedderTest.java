package org.contrastive4j.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.contrastive4j.core.data.FashionMnist;
import org.contrastive4j.core.data.LoadOptions;
import org.contrastive4j.core.data.Samples;
import org.contrastive4j.core.device.DeviceSpec;
import org.contrastive4j.core.knn.ModelFingerprint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbedderTest {

    @TempDir
    Path tmp;

    @Test
    void foreignModelIsDiscoveredAndComputesReluOfMatMul() throws Exception {
        try (Embedder e = Embedder.open(TestModels.foreign(), EmbedderOptions.defaults())) {
            ModelInfo info = e.info();
            assertEquals("x", info.inputName());
            assertArrayEquals(new int[] {4}, info.inputShape());
            assertEquals("y", info.outputName());
            assertEquals(List.of("y"), info.outputNames());
            assertArrayEquals(new long[] {3}, info.outputShapes().get("y"));
            assertEquals(-1, info.fixedBatch());
            assertEquals(null, info.mean());
            assertEquals(DeviceSpec.CPU, info.device());
            assertTrue(info.classNames().isEmpty());

            float[][] x = TestModels.randomRows(1, 37, 4, -2f, 2f);
            float[][] y = e.embed(x);
            assertEquals(37, y.length);
            for (int i = 0; i < x.length; i++) {
                assertArrayEquals(TestModels.foreignReference(x[i]), y[i], 1e-5f, "row " + i);
            }
        }
    }

    @Test
    void fixedBatchModelsGetPaddedBatches() throws Exception {
        float[][] x = TestModels.randomRows(9, 5, 4, -2f, 2f);
        try (Embedder e = Embedder.open(TestModels.resource("/models/fixed_batch.onnx"))) {
            assertEquals(2, e.info().fixedBatch());
            float[][] y = e.embed(x);
            assertEquals(5, y.length);
            for (int i = 0; i < x.length; i++) {
                assertArrayEquals(TestModels.foreignReference(x[i]), y[i], 1e-5f, "row " + i);
            }
        }
    }

    @Test
    void fingerprintIsTheFilesSha256() throws Exception {
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(TestModels.foreign())));
        try (Embedder a = Embedder.open(TestModels.foreign()); Embedder b = Embedder.open(TestModels.toolkit())) {
            assertEquals(expected, a.info().sha256());
            assertNotEquals(a.info().sha256(), b.info().sha256());
            assertEquals(new ModelFingerprint(expected, "y", false), a.fingerprint());
        }
    }

    @Test
    void batchingDoesNotChangeResults() throws Exception {
        float[][] x = TestModels.randomRows(2, 50, 4, -1f, 1f);
        try (Embedder big = Embedder.open(TestModels.foreign());
                Embedder small = Embedder.open(TestModels.foreign(), EmbedderOptions.builder().batchSize(7).build())) {
            float[][] a = big.embed(x);
            float[][] b = small.embed(x);
            for (int i = 0; i < x.length; i++) {
                assertArrayEquals(TestModels.foreignReference(x[i]), b[i], 1e-5f, "row " + i);
                assertArrayEquals(a[i], b[i], "row " + i); // and bit for bit the same whatever the batch
            }
        }
    }

    @Test
    void l2NormalisationGivesUnitRowsParallelToRawOutput() throws Exception {
        float[][] x = TestModels.randomRows(3, 20, 4, 0.1f, 1f); // positive inputs keep some outputs non-zero
        try (Embedder raw = Embedder.open(TestModels.foreign());
                Embedder unit = Embedder.open(TestModels.foreign(), EmbedderOptions.builder().l2Normalize(true).build())) {
            float[][] b = unit.embed(x);
            assertTrue(unit.fingerprint().l2Normalized());
            assertEquals(false, raw.fingerprint().l2Normalized());
            for (int i = 0; i < x.length; i++) {
                float[] a = TestModels.foreignReference(x[i]);
                double norm = 0;
                for (float v : a) {
                    norm += v * v;
                }
                norm = Math.sqrt(norm);
                assertTrue(norm > 0);
                double nb = 0;
                for (int j = 0; j < 3; j++) {
                    assertEquals(a[j] / norm, b[i][j], 1e-5);
                    nb += b[i][j] * b[i][j];
                }
                assertEquals(1.0, nb, 1e-5);
            }
        }
    }

    @Test
    void bufferInputMatchesArrayInputAndLeavesPositionAlone() throws Exception {
        float[][] x = TestModels.randomRows(4, 9, 4, -1f, 1f);
        FloatBuffer heap = FloatBuffer.wrap(TestModels.flatten(x));
        FloatBuffer direct = ByteBuffer.allocateDirect(9 * 4 * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        direct.put(TestModels.flatten(x)).flip();
        try (Embedder e = Embedder.open(TestModels.foreign(), EmbedderOptions.builder().batchSize(4).build())) {
            float[][] fromHeap = e.embed(heap, new long[] {9, 4});
            float[][] fromDirect = e.embed(direct, new long[] {9, 4});
            assertEquals(0, heap.position());
            assertEquals(0, direct.position());
            for (int i = 0; i < 9; i++) {
                assertArrayEquals(TestModels.foreignReference(x[i]), fromHeap[i], 1e-5f);
                assertArrayEquals(TestModels.foreignReference(x[i]), fromDirect[i], 1e-5f);
            }
            IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                    () -> e.embed(heap, new long[] {9, 5}));
            assertTrue(bad.getMessage().contains("expected 4 values per sample"), bad.getMessage());
        }
    }

    @Test
    void metadataPreprocessingIsAppliedToRawSamples() throws Exception {
        float[][] raw = TestModels.randomRows(5, 12, 16, 0f, 1f);
        float[][] normalised = new float[raw.length][16];
        for (int i = 0; i < raw.length; i++) {
            for (int j = 0; j < 16; j++) {
                normalised[i][j] = (raw[i][j] - 0.5f) / 0.25f;
            }
        }
        Samples samples = new Samples("raw", TestModels.flatten(raw), new int[] {1, 4, 4}, null, List.of());
        try (Embedder e = Embedder.open(TestModels.toolkit())) {
            ModelInfo info = e.info();
            assertEquals("input", info.inputName());
            assertArrayEquals(new int[] {1, 4, 4}, info.inputShape());
            assertEquals("embedding", info.outputName());
            assertEquals(List.of("embedding", "logits", "probabilities"), info.outputNames());
            assertArrayEquals(new float[] {0.5f}, info.mean());
            assertArrayEquals(new float[] {0.25f}, info.std());
            assertEquals(List.of("a", "b", "c"), info.classNames());
            assertEquals("1", info.metadata().get("c4j.format_version"));

            float[][] viaSamples = e.embed(samples);
            float[][] viaRows = e.embed(normalised);
            float[][] unnormalised = e.embed(raw);
            boolean differs = false;
            for (int i = 0; i < raw.length; i++) {
                double[] expected = TestModels.toolkitReference(normalised[i])[0];
                double[] expectedRaw = TestModels.toolkitReference(raw[i])[0];
                for (int j = 0; j < 2; j++) {
                    assertEquals(expected[j], viaSamples[i][j], 1e-5, "row " + i);
                    assertEquals(expected[j], viaRows[i][j], 1e-5, "row " + i);
                    assertEquals(expectedRaw[j], unnormalised[i][j], 1e-5, "row " + i);
                }
                differs |= Math.abs(expectedRaw[0] - expected[0]) > 1e-3;
            }
            assertTrue(differs, "normalisation must matter for this model, else the test proves nothing");
        }
    }

    @Test
    void readsImageInputsShapedForTheModel() throws Exception {
        // The committed Fashion-MNIST subset is [1, 28, 28]; the toolkit model wants [1, 4, 4].
        try (Embedder e = Embedder.open(TestModels.toolkit())) {
            Samples s = e.read(FashionMnist.subsetDir(),
                    LoadOptions.builder().split("test").build());
            assertArrayEquals(new int[] {1, 4, 4}, s.sampleShape());
            assertEquals(1000, s.size());
            assertTrue(s.labelled());
            assertEquals(1000, e.embed(s).length);
        }
    }

    @Test
    void explicitMeanAndStdOverrideTheMetadata() throws Exception {
        float[][] raw = TestModels.randomRows(6, 5, 16, 0f, 1f);
        float[][] normalised = new float[raw.length][16];
        for (int i = 0; i < raw.length; i++) {
            for (int j = 0; j < 16; j++) {
                normalised[i][j] = (raw[i][j] - 0.2f) / 2f;
            }
        }
        Samples samples = new Samples("raw", TestModels.flatten(raw), new int[] {1, 4, 4}, null, List.of());
        EmbedderOptions o = EmbedderOptions.builder().mean(0.2f).std(2f).build();
        try (Embedder e = Embedder.open(TestModels.toolkit(), o)) {
            float[][] a = e.embed(samples);
            for (int i = 0; i < raw.length; i++) {
                double[] expected = TestModels.toolkitReference(normalised[i])[0];
                assertEquals(expected[0], a[i][0], 1e-5);
                assertEquals(expected[1], a[i][1], 1e-5);
            }
        }
    }

    @Test
    void foreignModelWithExplicitShapeAndNormalisation() throws Exception {
        EmbedderOptions o = EmbedderOptions.builder().inputShape(4).mean(1f, 1f, 1f, 1f).std(2f, 2f, 2f, 2f)
                .outputName("y").build();
        float[][] x = TestModels.randomRows(7, 6, 4, -3f, 3f);
        try (Embedder e = Embedder.open(TestModels.foreign(), o)) {
            float[][] y = e.embed(new Samples("csv", TestModels.flatten(x), new int[] {4}, null, List.of()));
            for (int i = 0; i < x.length; i++) {
                float[] n = new float[4];
                for (int j = 0; j < 4; j++) {
                    n[j] = (x[i][j] - 1f) / 2f;
                }
                assertArrayEquals(TestModels.foreignReference(n), y[i], 1e-5f);
            }
        }
    }

    @Test
    void wrongFeatureCountSaysExpectedAndGot() throws Exception {
        try (Embedder e = Embedder.open(TestModels.foreign())) {
            IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                    () -> e.embed(new float[][] {{1, 2, 3, 4}, {1, 2, 3, 4, 5}}));
            assertTrue(ex.getMessage().contains("expected 4 values per sample"), ex.getMessage());
            assertTrue(ex.getMessage().contains("row 1 has 5"), ex.getMessage());
            Samples wrong = new Samples("data.csv", new float[10], new int[] {5}, null, List.of());
            ex = assertThrows(IllegalArgumentException.class, () -> e.embed(wrong));
            assertTrue(ex.getMessage().contains("data.csv: expected 4 values per sample"), ex.getMessage());
            assertTrue(ex.getMessage().contains("got 5"), ex.getMessage());
        }
    }

    @Test
    void shapeOverrideThatContradictsTheGraphIsRejected() {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> Embedder.open(TestModels.foreign(), EmbedderOptions.builder().inputShape(5).build()));
        assertTrue(ex.getMessage().contains("does not fit input 'x'"), ex.getMessage());
    }

    @Test
    void nanAndInfinityAreRejectedWithTheSampleIndex() throws Exception {
        try (Embedder e = Embedder.open(TestModels.toolkit())) {
            float[] v = new float[3 * 16];
            v[2 * 16 + 5] = Float.NaN;
            Samples s = new Samples("nan", v, new int[] {1, 4, 4}, null, List.of());
            IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> e.embed(s));
            assertTrue(ex.getMessage().contains("sample 2 has NaN at position 5"), ex.getMessage());
            float[][] rows = new float[2][16];
            rows[1][0] = Float.POSITIVE_INFINITY;
            ex = assertThrows(IllegalArgumentException.class, () -> e.embed(rows));
            assertTrue(ex.getMessage().contains("sample 1 has an infinite value"), ex.getMessage());
        }
    }

    @Test
    void finiteCheckCoversEveryPositionIncludingTheTail() {
        for (int len = 1; len <= 11; len++) {
            for (int bad = 0; bad < len; bad++) {
                float[] v = new float[len + 3];
                v[2 + bad] = bad % 2 == 0 ? Float.NaN : Float.NEGATIVE_INFINITY;
                int b = bad;
                int l = len;
                IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                        () -> InputRows.checkFinite(v, 2, l, 7), "len " + len + " bad " + bad);
                assertTrue(ex.getMessage().contains("sample 7") && ex.getMessage().contains("position " + b), ex.getMessage());
            }
            float[] ok = new float[len + 3];
            ok[0] = Float.NaN; // outside the checked range
            InputRows.checkFinite(ok, 2, len, 0);
        }
    }

    @Test
    void nonOnnxAndMissingFilesGiveClearErrors() throws Exception {
        Path junk = tmp.resolve("junk.onnx");
        Files.writeString(junk, "this is not a protobuf model");
        IOException ex = assertThrows(IOException.class, () -> Embedder.open(junk));
        assertTrue(ex.getMessage().contains("not a valid ONNX model"), ex.getMessage());
        assertThrows(NoSuchFileException.class, () -> Embedder.open(tmp.resolve("missing.onnx")));
    }

    @Test
    void unknownOutputIsRejected() {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> Embedder.open(TestModels.toolkit(), EmbedderOptions.builder().outputName("features").build()));
        assertTrue(ex.getMessage().contains("no output 'features'"), ex.getMessage());
        assertTrue(ex.getMessage().contains("embedding, logits, probabilities"), ex.getMessage());
    }

    @Test
    void otherOutputsCanBeRead() throws Exception {
        float[][] x = TestModels.randomRows(8, 4, 16, -1f, 1f);
        try (Embedder e = Embedder.open(TestModels.toolkit())) {
            float[][] p = e.output("probabilities", x);
            float[][] logits = e.output("logits", x);
            for (int i = 0; i < x.length; i++) {
                double[][] expected = TestModels.toolkitReference(x[i]);
                assertEquals(3, p[i].length);
                for (int c = 0; c < 3; c++) {
                    assertEquals(expected[1][c], logits[i][c], 1e-5);
                    assertEquals(expected[2][c], p[i][c], 1e-5);
                }
            }
        }
    }

    @Test
    void aSliceOfADatasetIsEmbeddedLikeTheWhole() throws Exception {
        float[][] raw = TestModels.randomRows(9, 23, 16, 0f, 1f);
        Samples samples = new Samples("raw", TestModels.flatten(raw), new int[] {1, 4, 4}, null, List.of());
        try (Embedder e = Embedder.open(TestModels.toolkit(), EmbedderOptions.builder().batchSize(4).build())) {
            float[][] slice = e.embed(samples, 5, 17);
            assertEquals(12, slice.length);
            for (int i = 0; i < slice.length; i++) {
                assertArrayEquals(TestModels.toolkitEmbedding(raw[5 + i]), slice[i], 1e-5f, "row " + (5 + i));
            }
            assertEquals(0, e.embed(samples, 7, 7).length);
            assertThrows(IndexOutOfBoundsException.class, () -> e.embed(samples, 20, 24));
        }
    }

    @Test
    void anOutputWithoutTheBatchDimensionIsRefusedAtEveryBatchSize() throws Exception {
        // ReduceMean over the batch: [4] whatever the batch, which used to become 2-d rows at batch 2, 1-d at batch 4.
        float[][] x = TestModels.randomRows(10, 9, 4, -1f, 1f);
        for (int batch : new int[] {2, 16}) {
            try (Embedder e = Embedder.open(TestModels.noBatch(), EmbedderOptions.builder().batchSize(batch).build())) {
                ModelOutputException ex = assertThrows(ModelOutputException.class, () -> e.embed(x));
                assertTrue(ex.getMessage().contains("no_batch.onnx") && ex.getMessage().contains("output 'y' has shape [4]")
                        && ex.getMessage().contains("batch as its first dimension"), ex.getMessage());
            }
        }
        // At batch 4 the first batch looks per-sample ([4] for 4 rows), the last (1 row) does not.
        try (Embedder e = Embedder.open(TestModels.noBatch(), EmbedderOptions.builder().batchSize(4).build())) {
            ModelOutputException ex = assertThrows(ModelOutputException.class, () -> e.embed(x));
            assertTrue(ex.getMessage().contains("for a batch of 1"), ex.getMessage());
        }
    }

    @Test
    void nonFiniteOutputsAreRefusedWithTheSample() throws Exception {
        try (Embedder e = Embedder.open(TestModels.nan())) {
            float[][] ok = {{1, 4, 9, 16}};
            assertArrayEquals(new float[] {1, 2, 3, 4}, e.embed(ok)[0]);
            float[][] x = {{1, 1, 1, 1}, {1, 1, 1, 1}, {1, 1, -1, 1}};
            ModelOutputException ex = assertThrows(ModelOutputException.class, () -> e.embed(x));
            assertTrue(ex.getMessage().contains("nan.onnx") && ex.getMessage().contains("position 2 for sample 2")
                    && ex.getMessage().contains("non-finite"), ex.getMessage());
        }
    }

    @Test
    void closedEmbedderRefusesWork() throws Exception {
        Embedder e = Embedder.open(TestModels.foreign());
        e.close();
        e.close();
        assertThrows(IllegalStateException.class, () -> e.embed(new float[][] {{1, 2, 3, 4}}));
    }
}
