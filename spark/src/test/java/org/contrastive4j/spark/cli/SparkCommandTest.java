package org.contrastive4j.spark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.contrastive4j.core.cli.C4j;
import org.contrastive4j.core.data.ImageFolder;
import org.contrastive4j.core.data.Samples;
import org.contrastive4j.core.knn.KnnIndex;
import org.contrastive4j.core.knn.Metric;
import org.contrastive4j.core.knn.Prediction;
import org.contrastive4j.core.knn.Vote;
import org.contrastive4j.inference.Classifier;
import org.contrastive4j.inference.Embedder;
import org.contrastive4j.inference.EmbedderOptions;
import org.contrastive4j.spark.TestData;
import org.contrastive4j.spark.TestSpark;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SparkCommandTest {

    @TempDir
    static Path dir;
    static Samples test;
    static float[][] expected;
    static Path pngs;
    static Path model;

    record Result(int code, String out, String err) {}

    @BeforeAll
    static void setUp() throws Exception {
        model = TestData.model();
        test = TestData.subset("test");
        try (Embedder e = Embedder.open(model)) {
            expected = e.embed(test);
        }
        pngs = TestData.testPngs();
        session(); // the test JVM's one session: 'c4j spark' runs in it
    }

    static SparkSession session() {
        return TestSpark.session();
    }

    static Result c4j(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = C4j.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static int indexOf(String path) {
        return TestData.indexOf(path);
    }

    static float[] floats(Row r, int col) {
        return TestData.floats(r, col);
    }

    static double maxAbsDiff(float[] a, float[] b) {
        return TestData.maxAbsDiff(a, b);
    }

    @Test
    void helpListsTheCommand() {
        Result r = c4j("--help");
        assertTrue(r.out().contains("  spark "), r.out());
        assertTrue(c4j("spark", "--help").out().contains("--index"));
    }

    @Test
    void anEmptyFolderWritesAnEmptyOutputAndSaysSo() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("no-images"));
        Path out = dir.resolve("empty.parquet");
        Result r = c4j("spark", "embed", "--model", model.toString(), "--input", empty.toString(), "--output", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("embedded 0 rows in "), r.out()); // the count observed while writing still arrives
        assertEquals(0, session().read().parquet(out.toString()).count());
    }

    @Test
    void embedsAnImageFolderToParquetWithThePathAsId() {
        Path out = dir.resolve("emb.parquet");
        Result r = c4j("spark", "embed", "--master", "local[2]", "--model", model.toString(), "--input", pngs.toString(),
                "--output", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("embedded 1000 rows in "), r.out());
        List<Row> rows = session().read().parquet(out.toString()).collectAsList();
        assertEquals(1000, rows.size());
        assertEquals(List.of("id", "embedding"), List.of(session().read().parquet(out.toString()).columns()));
        for (Row row : rows) {
            assertTrue(row.getString(0).startsWith("file:/"), row.getString(0));
            assertTrue(maxAbsDiff(expected[indexOf(row.getString(0))], floats(row, 1)) <= 1e-6);
        }
        Result again = c4j("spark", "embed", "--model", model.toString(), "--input", pngs.toString(), "--output", out.toString());
        assertNotEquals(0, again.code());
        assertTrue(again.err().contains("already exists (pass --overwrite to replace it)"), again.err());
        Result inside = c4j("spark", "embed", "--model", model.toString(), "--input", pngs.toString(), "--output",
                pngs.resolve("out.parquet").toString());
        assertTrue(inside.err().contains("the output would overwrite (or lie inside) the input"), inside.err());
    }

    @Test
    void classifiesToCsvWithTheIndexesPredictions() throws Exception {
        Path index = dir.resolve("ref.idx");
        Prediction[] want;
        try (Embedder e = Embedder.open(model, EmbedderOptions.builder().l2Normalize(true).build())) {
            float[][] emb = e.embed(test);
            KnnIndex.build(emb, test.labels(), test.classNames(), Metric.EUCLIDEAN, e.fingerprint(), 3, Vote.MAJORITY).save(index);
            want = Classifier.knn(e, KnnIndex.load(index), 3, Vote.DISTANCE_WEIGHTED).classify(test);
        }
        Path out = dir.resolve("pred.csv");
        Result r = c4j("spark", "classify", "--model", model.toString(), "--index", index.toString(), "--vote",
                "distance-weighted", "--input", pngs.toString(), "--output", out.toString());
        assertEquals(0, r.code(), r.err());
        List<Row> rows = session().read().option("header", "true").option("inferSchema", "true").csv(out.toString())
                .collectAsList();
        assertEquals(1000, rows.size());
        assertEquals(List.of("id", "prediction", "label_index", "score"),
                List.of(session().read().option("header", "true").csv(out.toString()).columns()));
        for (Row row : rows) {
            Prediction p = want[indexOf(row.getString(0))];
            assertEquals(p.className(), row.getString(1));
            assertEquals(p.label(), row.getInt(2));
            assertEquals(p.score(), ((Number) row.get(3)).floatValue(), 1e-6);
        }
    }

    @Test
    void aParquetFileWithoutIdsGetsTheRowIndexAndCsvGetsOneColumnPerDimension() {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            float[] v = new float[784];
            test.read(i, v, 0);
            rows.add(RowFactory.create((Object) v));
        }
        Path in = dir.resolve("features.parquet");
        session().createDataFrame(rows, new StructType().add("pixels", DataTypes.createArrayType(DataTypes.FloatType)))
                .coalesce(1).write().parquet(in.toString());
        Path out = dir.resolve("features-emb.csv");
        Result r = c4j("spark", "embed", "--model", model.toString(), "--input", in.toString(), "--output", out.toString());
        assertEquals(0, r.code(), r.err());
        List<Row> got = session().read().option("header", "true").option("inferSchema", "true").csv(out.toString())
                .orderBy("id").collectAsList();
        assertEquals(50, got.size());
        for (int i = 0; i < 50; i++) {
            Row row = got.get(i);
            assertEquals(i, ((Number) row.get(0)).intValue());
            assertEquals(17, row.size()); // id, e0..e15
            float[] e = new float[16];
            for (int j = 0; j < 16; j++) {
                e[j] = ((Number) row.get(j + 1)).floatValue();
            }
            assertTrue(maxAbsDiff(expected[i], e) <= 1e-6);
        }
    }

    @Test
    void corruptImagesFailTheJobWithoutOutputOrLandInTheErrorColumn() throws Exception {
        Path bad = dir.resolve("bad-pngs");
        ImageFolder.write(bad, test.head(5));
        Path cls = Files.list(bad).filter(Files::isDirectory).findFirst().orElseThrow();
        Files.write(cls.resolve("broken.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});

        Path out = dir.resolve("bad.parquet");
        Result r = c4j("spark", "embed", "--model", model.toString(), "--input", bad.toString(), "--output", out.toString());
        assertNotEquals(0, r.code());
        String line = r.err().lines().filter(l -> l.startsWith("c4j spark: ")).findFirst().orElse("");
        assertTrue(line.matches("c4j spark: OnnxEmbedder\\[\\w+\\]: row file:/.*/broken\\.png: unreadable image .*"), r.err());
        assertFalse(Files.exists(out), "a failed job leaves no output");

        Path json = dir.resolve("bad.json");
        Result p = c4j("spark", "embed", "--model", model.toString(), "--input", bad.toString(), "--output", json.toString(),
                "--mode", "permissive");
        assertEquals(0, p.code(), p.err());
        assertTrue(p.out().startsWith("embedded 6 rows, 1 with errors in column 'error' in "), p.out());
        int broken = 0;
        for (Row row : session().read().json(json.toString()).select("id", "embedding", "error").collectAsList()) {
            if (row.getString(0).endsWith("broken.png")) {
                broken++;
                assertNull(row.get(1));
                assertTrue(row.getString(2).startsWith("unreadable image"));
            } else {
                assertNull(row.get(2));
                assertTrue(maxAbsDiff(expected[indexOf(row.getString(0))], floats(row, 1)) <= 1e-6);
            }
        }
        assertEquals(1, broken);
    }

    @Test
    void badArgumentsAreOneLine() {
        assertTrue(c4j("spark", "predict", "--model", "m", "--input", "i", "--output", "o").err()
                .contains("expected 'embed' or 'classify'"));
        assertTrue(c4j("spark", "embed", "--model", model.toString(), "--input", pngs.toString(), "--output", "x.npy").err()
                .contains("x.npy: unknown output format (use .parquet, .csv or .json"));
        assertTrue(c4j("spark", "embed", "--index", "r.idx", "--model", model.toString(), "--input", pngs.toString(),
                "--output", "x.parquet").err().contains("--index applies to 'c4j spark classify'"));
        assertTrue(c4j("spark", "embed", "--master", "local[3]", "--model", model.toString(), "--input", pngs.toString(),
                "--output", dir.resolve("m.parquet").toString()).err().contains("already runs a Spark session on local[2]"));
        assertTrue(c4j("spark", "embed", "--conf", "spark.executor.memory=2g", "--model", model.toString(), "--input",
                pngs.toString(), "--output", dir.resolve("m.parquet").toString()).err()
                .contains("--conf spark.executor.memory: this JVM already runs a Spark session"));
        String missing = dir.resolve("no-such-folder").toString();
        Result r = c4j("spark", "embed", "--model", model.toString(), "--input", missing, "--output",
                dir.resolve("n.parquet").toString());
        assertEquals("c4j spark: " + missing + ": no such file or directory", r.err().strip());
        assertFalse(Files.exists(dir.resolve("n.parquet")));
    }
}
