package org.contrastive4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkException;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.contrastive4j.core.data.Samples;
import org.contrastive4j.inference.Embedder;
import org.contrastive4j.inference.EmbedderOptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxEmbedderTest {

    static Samples test;
    static float[][] expected;
    static float[][] expectedL2;

    @BeforeAll
    static void reference() throws Exception {
        test = TestData.subset("test");
        try (Embedder e = Embedder.open(TestData.model())) {
            expected = e.embed(test);
        }
        try (Embedder e = Embedder.open(TestData.model(), EmbedderOptions.builder().l2Normalize(true).build())) {
            expectedL2 = e.embed(test);
        }
    }

    @Test
    void featureRowsGiveTheEmbeddersNumbers() {
        Dataset<Row> out = new OnnxEmbedder().setModelPath(TestData.model().toString()).setBatchSize(100)
                .transform(TestData.featureRows(test, 3));
        List<Row> rows = out.select("id", "embedding").collectAsList();
        assertEquals(test.size(), rows.size());
        double worst = 0;
        for (Row r : rows) {
            worst = Math.max(worst, TestData.maxAbsDiff(expected[r.getInt(0)], TestData.floats(r, "embedding")));
        }
        assertTrue(worst <= 1e-6, "max abs diff " + worst);
    }

    @Test
    void pngFilesFromBinaryFileGiveTheEmbeddersNumbers() throws Exception {
        Dataset<Row> images = TestSpark.session().read().format("binaryFile").option("recursiveFileLookup", "true")
                .load(TestData.testPngs().toString());
        Dataset<Row> out = new OnnxEmbedder().setModelPath(TestData.model().toString()).setInputCol("content")
                .setNormalize(true).transform(images);
        assertEquals(DataTypes.createArrayType(DataTypes.FloatType, false), out.schema().apply("embedding").dataType());
        List<Row> rows = out.select("path", "embedding").collectAsList();
        assertEquals(test.size(), rows.size());
        double worst = 0;
        for (Row r : rows) {
            worst = Math.max(worst, TestData.maxAbsDiff(expectedL2[TestData.indexOf(r.getString(0))], TestData.floats(r, "embedding")));
        }
        assertTrue(worst <= 1e-6, "max abs diff " + worst);
    }

    @Test
    void vectorsAndDoubleArraysAreReadLikeFloatArrays() {
        int n = 20;
        List<Row> rows = new ArrayList<>();
        int len = test.sampleLength();
        for (int i = 0; i < n; i++) {
            float[] v = new float[len];
            test.read(i, v, 0);
            double[] d = new double[len];
            for (int j = 0; j < len; j++) {
                d[j] = v[j];
            }
            List<Double> boxed = new ArrayList<>();
            for (double x : d) {
                boxed.add(x);
            }
            rows.add(RowFactory.create(i, Vectors.dense(d), boxed));
        }
        StructType schema = new StructType().add("id", DataTypes.IntegerType).add("vec", new VectorUDT())
                .add("dbl", DataTypes.createArrayType(DataTypes.DoubleType));
        Dataset<Row> df = TestSpark.session().createDataFrame(rows, schema);
        Dataset<Row> out = new OnnxEmbedder().setModelPath(TestData.model().toString()).setInputCol("vec").setOutputCol("a")
                .transform(df);
        out = new OnnxEmbedder().setModelPath(TestData.model().toString()).setInputCol("dbl").setOutputCol("b").transform(out);
        for (Row r : out.collectAsList()) {
            float[] want = expected[r.getInt(0)];
            assertTrue(TestData.maxAbsDiff(want, TestData.floats(r, "a")) <= 1e-6);
            assertTrue(TestData.maxAbsDiff(want, TestData.floats(r, "b")) <= 1e-6);
        }
    }

    /** Rows 0..9 of the test split, with row 3 one value short, row 5 holding a NaN and row 7 null. */
    private static Dataset<Row> corruptFeatureRows() {
        List<Row> rows = new ArrayList<>();
        int len = test.sampleLength();
        for (int i = 0; i < 10; i++) {
            float[] v = new float[len];
            test.read(i, v, 0);
            if (i == 3) {
                v = Arrays.copyOf(v, len - 1);
            } else if (i == 5) {
                v[100] = Float.NaN;
            }
            rows.add(RowFactory.create("row-" + i, i == 7 ? null : v));
        }
        StructType schema = new StructType().add("id", DataTypes.StringType)
                .add("features", DataTypes.createArrayType(DataTypes.FloatType, false), true);
        return TestSpark.session().createDataFrame(rows, schema).coalesce(1);
    }

    @Test
    void failfastNamesTheBadRowAndTheReason() {
        Dataset<Row> out = new OnnxEmbedder().setModelPath(TestData.model().toString()).transform(corruptFeatureRows());
        SparkException e = assertThrows(SparkException.class, out::collectAsList);
        String m = e.getMessage();
        assertTrue(m.contains("row row-3: expected 784 values per sample (model input [1, 28, 28]) but got 783"), m);
        assertTrue(m.contains(RowFailure.class.getName()), m);
    }

    @Test
    void permissiveWritesNullsAndReasonsAndKeepsTheGoodRows() {
        Dataset<Row> out = new OnnxEmbedder().setModelPath(TestData.model().toString()).setMode("permissive")
                .transform(corruptFeatureRows());
        assertTrue(out.schema().apply("embedding").nullable());
        assertEquals(DataTypes.StringType, out.schema().apply("error").dataType());
        Map<String, Row> byId = new HashMap<>();
        for (Row r : out.collectAsList()) {
            byId.put(r.getString(0), r);
        }
        assertEquals(10, byId.size());
        assertEquals("expected 784 values per sample (model input [1, 28, 28]) but got 783",
                byId.get("row-3").getAs("error"));
        assertEquals("NaN at position 100; inputs must be finite numbers", byId.get("row-5").getAs("error"));
        assertEquals("input is null", byId.get("row-7").getAs("error"));
        for (int i : new int[] {3, 5, 7}) {
            assertNull(byId.get("row-" + i).getAs("embedding"));
        }
        for (int i : new int[] {0, 1, 2, 4, 6, 8, 9}) {
            Row r = byId.get("row-" + i);
            assertNull(r.getAs("error"));
            assertTrue(TestData.maxAbsDiff(expected[i], TestData.floats(r, "embedding")) <= 1e-6);
        }
    }

    @Test
    void corruptImagesFailOrAreReportedByPath(@TempDir Path dir) throws Exception {
        TestData.pngs(dir, test.head(6));
        Path cls = Files.list(dir).filter(Files::isDirectory).findFirst().orElseThrow();
        Files.write(cls.resolve("garbage.png"), "not an image at all".getBytes());
        byte[] good = Files.readAllBytes(Files.list(cls).filter(p -> p.toString().endsWith("0.png")).findFirst().orElseThrow());
        Files.write(cls.resolve("truncated.png"), Arrays.copyOf(good, good.length / 3));
        SparkSession spark = TestSpark.session();
        Dataset<Row> images = spark.read().format("binaryFile").option("recursiveFileLookup", "true").load(dir.toString());

        OnnxEmbedder failfast = new OnnxEmbedder().setModelPath(TestData.model().toString()).setInputCol("content");
        SparkException e = assertThrows(SparkException.class, () -> failfast.transform(images).collectAsList());
        assertTrue(e.getMessage().matches("(?s).*row file:/.*/(garbage|truncated)\\.png: unreadable image.*"), e.getMessage());

        Dataset<Row> out = failfast.copy(new ParamMap()).setMode("PERMISSIVE").transform(images)
                .select("path", "embedding", "error");
        int fine = 0;
        for (Row r : out.collectAsList()) {
            String path = r.getString(0);
            if (path.endsWith("garbage.png") || path.endsWith("truncated.png")) {
                assertNull(r.get(1));
                assertTrue(r.getString(2).startsWith("unreadable image"), r.getString(2));
            } else {
                assertNull(r.get(2));
                fine++;
            }
        }
        assertEquals(6, fine);
    }

    @Test
    void configurationErrorsAreOneLineBeforeAnyJob() {
        Dataset<Row> rows = TestData.featureRows(test.head(4), 1);
        String model = TestData.model().toString();
        assertMessage("set modelPath", () -> new OnnxEmbedder().transform(rows));
        assertMessage("input column 'pixels' not found (columns: id, features)",
                () -> new OnnxEmbedder().setModelPath(model).setInputCol("pixels").transform(rows));
        assertMessage("input column 'id' has type int; expected array<float>",
                () -> new OnnxEmbedder().setModelPath(model).setInputCol("id").transform(rows));
        assertMessage("output column 'id' already exists",
                () -> new OnnxEmbedder().setModelPath(model).setOutputCol("id").transform(rows));
        assertMessage("no-such.onnx: model not found",
                () -> new OnnxEmbedder().setModelPath("no-such.onnx").transform(rows));
        assertMessage("has no output 'nope' (outputs: embedding, projection)",
                () -> new OnnxEmbedder().setModelPath(model).setOutputName("nope").transform(rows));
        Dataset<Row> bytes = TestSpark.session().createDataFrame(List.of(RowFactory.create((Object) new byte[] {1, 2})),
                new StructType().add("content", DataTypes.BinaryType));
        assertMessage("holds encoded images, but the model " + TestData.featureModel() + " takes samples of shape [4]",
                () -> new OnnxEmbedder().setModelPath(TestData.featureModel().toString()).setInputCol("content").transform(bytes));
        assertMessage("unknown device 'tpu'", () -> new OnnxEmbedder().setDevice("tpu"));
        assertThrows(IllegalArgumentException.class, () -> new OnnxEmbedder().setMode("drop"));
        assertThrows(IllegalArgumentException.class, () -> new OnnxEmbedder().setBatchSize(0));
    }

    static void assertMessage(String part, Runnable r) {
        RuntimeException e = assertThrows(RuntimeException.class, r::run);
        assertTrue(String.valueOf(e.getMessage()).contains(part), "expected '" + part + "' in: " + e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }
}
