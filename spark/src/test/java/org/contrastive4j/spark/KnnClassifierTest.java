package org.contrastive4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.contrastive4j.core.cli.C4j;
import org.contrastive4j.core.data.Samples;
import org.contrastive4j.core.knn.KnnIndex;
import org.contrastive4j.core.knn.Metric;
import org.contrastive4j.core.knn.ModelFingerprint;
import org.contrastive4j.core.knn.Prediction;
import org.contrastive4j.core.knn.Vote;
import org.contrastive4j.inference.Classifier;
import org.contrastive4j.inference.Embedder;
import org.contrastive4j.inference.EmbedderOptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KnnClassifierTest {

    @TempDir
    static Path dir;
    static Samples test;
    static Path index;
    static Path pngs;

    /** A cosine k = 5 index of the 2,000 L2-normalised training embeddings, as 'c4j index --normalize' builds it. */
    @BeforeAll
    static void buildIndex() throws Exception {
        test = TestData.subset("test");
        Samples train = TestData.subset("train");
        try (Embedder e = Embedder.open(TestData.model(), EmbedderOptions.builder().l2Normalize(true).build())) {
            KnnIndex built = KnnIndex.build(e.embed(train), train.labels(), train.classNames(), Metric.COSINE, e.fingerprint(),
                    5, Vote.MAJORITY);
            index = dir.resolve("train.idx");
            built.save(index);
        }
        pngs = TestData.testPngs();
    }

    @Test
    void accuracyAndEveryPredictionEqualEvaluateOnTheSameImages() throws Exception {
        // './c4j evaluate' on the test split, through the command line itself.
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Path evalDir = dir.resolve("evaluate");
        int code = C4j.run(new String[] {"evaluate", "--model", TestData.model().toString(), "--index", index.toString(),
            "--normalize", "--input", TestData.home().resolve("data/fashion-mnist-subset").toString(), "--out",
            evalDir.toString()}, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        assertEquals(0, code, out.toString(StandardCharsets.UTF_8));
        double evaluated = JsonParser.parseString(Files.readString(evalDir.resolve("evaluation.json"))).getAsJsonObject()
                .get("accuracy").getAsDouble();
        Prediction[] expected;
        try (Embedder e = Embedder.open(TestData.model(), EmbedderOptions.builder().l2Normalize(true).build())) {
            expected = Classifier.knn(e, KnnIndex.load(index)).classify(test);
        }

        Dataset<Row> images = TestSpark.session().read().format("binaryFile").option("recursiveFileLookup", "true")
                .load(pngs.toString());
        Dataset<Row> out2 = new KnnClassifier().setModelPath(TestData.model().toString()).setIndexPath(index.toString())
                .setInputCol("content").transform(images).select("path", "prediction", "label_index", "score");
        List<Row> rows = out2.collectAsList();
        assertEquals(test.size(), rows.size());
        int correct = 0;
        for (Row r : rows) {
            int i = TestData.indexOf(r.getString(0));
            assertEquals(expected[i].label(), r.getInt(2), r.getString(0));
            assertEquals(expected[i].className(), r.getString(1));
            assertEquals(expected[i].score(), r.getFloat(3), 1e-6);
            correct += r.getInt(2) == test.labels()[i] ? 1 : 0;
        }
        assertEquals(evaluated, correct / (double) test.size(), 1e-12);
        assertTrue(evaluated > 0.3, "a trained model beats chance: " + evaluated);
    }

    @Test
    void anIndexFromAnotherModelIsRefusedInEitherMode() throws Exception {
        Samples few = test.head(20);
        float[][] emb = new float[few.size()][16];
        KnnIndex foreign = KnnIndex.build(emb, few.labels(), few.classNames(), Metric.COSINE,
                new ModelFingerprint("ab".repeat(32), "embedding", true), 5, Vote.MAJORITY);
        Path other = dir.resolve("other-model.idx");
        foreign.save(other);
        for (String mode : List.of("FAILFAST", "PERMISSIVE")) {
            KnnClassifier c = new KnnClassifier().setModelPath(TestData.model().toString()).setIndexPath(other.toString())
                    .setMode(mode);
            OnnxEmbedderTest.assertMessage("index " + other + " was built with another model",
                    () -> c.transform(TestData.featureRows(few, 1)));
        }
    }

    @Test
    void headModeUsesTheModelsClassifier() throws Exception {
        float[][] x = new float[6][16];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < 16; j++) {
                x[i][j] = (float) Math.sin(i * 16 + j);
            }
        }
        float[] flat = new float[6 * 16];
        for (int i = 0; i < 6; i++) {
            System.arraycopy(x[i], 0, flat, i * 16, 16);
        }
        Samples s = new Samples("rows", flat, new int[] {1, 4, 4}, null, List.of());
        Prediction[] expected;
        try (Embedder e = Embedder.open(TestData.headModel())) {
            expected = Classifier.head(e).classify(s);
        }
        List<Row> rows = new KnnClassifier().setModelPath(TestData.headModel().toString()).transform(TestData.featureRows(s, 2))
                .select("id", "prediction", "label_index", "score").collectAsList();
        assertEquals(6, rows.size());
        for (Row r : rows) {
            Prediction p = expected[r.getInt(0)];
            assertEquals(p.className(), r.getString(1));
            assertEquals(p.label(), r.getInt(2));
            assertEquals(p.score(), r.getFloat(3), 1e-6);
        }
    }

    @Test
    void knnParamsWithoutAnIndexAndHeadlessModelsAreRefused() {
        Dataset<Row> rows = TestData.featureRows(test.head(2), 1);
        OnnxEmbedderTest.assertMessage("k, vote apply to k-NN classification; set indexPath",
                () -> new KnnClassifier().setModelPath(TestData.model().toString()).setK(3).setVote("majority").transform(rows));
        OnnxEmbedderTest.assertMessage("has no classifier head (no 'probabilities' or 'logits' output; outputs: embedding, "
                + "projection); set indexPath", () -> new KnnClassifier().setModelPath(TestData.model().toString()).transform(rows));
        OnnxEmbedderTest.assertMessage("unknown vote 'loudest'", () -> new KnnClassifier().setVote("loudest"));
    }
}
