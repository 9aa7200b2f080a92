package org.contrastive4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.contrastive4j.core.data.Samples;
import org.contrastive4j.core.knn.KnnIndex;
import org.contrastive4j.core.knn.Metric;
import org.contrastive4j.core.knn.Vote;
import org.contrastive4j.inference.Embedder;
import org.contrastive4j.inference.EmbedderOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelinePersistenceTest {

    @Test
    void aSavedPipelineReloadsInAFreshSessionWithoutTheOriginalFiles(@TempDir Path dir) throws Exception {
        Samples train = TestData.subset("train").head(300);
        Samples test = TestData.subset("test").head(120);
        Path src = Files.createDirectories(dir.resolve("src"));
        Path model = Files.copy(TestData.model(), src.resolve("encoder.onnx"));
        Path index = src.resolve("ref.idx");
        try (Embedder e = Embedder.open(model, EmbedderOptions.builder().l2Normalize(true).build())) {
            KnnIndex.build(e.embed(train), train.labels(), train.classNames(), Metric.COSINE, e.fingerprint(), 3,
                    Vote.DISTANCE_WEIGHTED).save(index);
        }
        OnnxEmbedder embedder = new OnnxEmbedder().setModelPath(model.toString()).setNormalize(true).setBatchSize(64)
                .setMode("permissive");
        KnnClassifier classifier = new KnnClassifier().setModelPath(model.toString()).setIndexPath(index.toString()).setK(4);
        PipelineModel fitted = new Pipeline().setStages(new PipelineStage[] {embedder, classifier})
                .fit(TestData.featureRows(test, 2));
        List<Row> before = fitted.transform(TestData.featureRows(test, 2)).orderBy("id").collectAsList();

        Path saved = dir.resolve("pipeline");
        fitted.write().save(saved.toString());
        try (Stream<Path> files = Files.walk(src)) {
            files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
        }
        assertFalse(Files.exists(model));
        ModelSessions.closeAll(); // nothing cached: the reloaded stages must open the saved copies

        SparkSession fresh = TestSpark.session().newSession();
        SparkSession.setActiveSession(fresh);
        try {
            PipelineModel loaded = PipelineModel.load(saved.toString());
            OnnxEmbedder e2 = (OnnxEmbedder) loaded.stages()[0];
            KnnClassifier c2 = (KnnClassifier) loaded.stages()[1];
            assertEquals(embedder.uid(), e2.uid());
            assertTrue(e2.getNormalize());
            assertEquals(64, e2.getBatchSize());
            assertEquals(OnnxTransformer.PERMISSIVE, e2.getMode());
            assertEquals(4, c2.getK());
            assertTrue(e2.getModelPath().startsWith(saved.toUri().toString().replace("file:///", "file:/"))
                    || e2.getModelPath().startsWith(saved.toString()), e2.getModelPath());
            Dataset<Row> again = loaded.transform(fresh.createDataFrame(TestData.featureRows(test, 2).collectAsList(),
                    TestData.featureRows(test, 2).schema()));
            List<Row> after = again.orderBy("id").collectAsList();
            assertEquals(before.size(), after.size());
            for (int i = 0; i < before.size(); i++) {
                Row b = before.get(i);
                Row a = after.get(i);
                assertArrayEquals(TestData.floats(b, "embedding"), TestData.floats(a, "embedding"));
                assertEquals(b.<String>getAs("prediction"), a.<String>getAs("prediction"));
                assertEquals(b.<Float>getAs("score"), a.<Float>getAs("score"));
            }
        } finally {
            SparkSession.setActiveSession(TestSpark.session());
        }

        // The stage folders: JSON metadata in Spark's layout and byte-identical copies of the files; nothing else.
        Path stage0 = Files.list(saved.resolve("stages")).filter(p -> p.getFileName().toString().startsWith("0_"))
                .findFirst().orElseThrow();
        Path part = Files.list(stage0.resolve("metadata")).filter(p -> p.getFileName().toString().startsWith("part-"))
                .findFirst().orElseThrow();
        JsonObject meta = JsonParser.parseString(Files.readString(part).trim()).getAsJsonObject();
        assertEquals(OnnxEmbedder.class.getName(), meta.get("class").getAsString());
        assertEquals(embedder.uid(), meta.get("uid").getAsString());
        assertTrue(meta.getAsJsonObject("paramMap").get("normalize").getAsBoolean());
        assertEquals("files/modelPath/encoder.onnx", meta.getAsJsonObject("c4j").getAsJsonObject("files")
                .getAsJsonObject("modelPath").get("file").getAsString());
        assertArrayEquals(Files.readAllBytes(TestData.model()), Files.readAllBytes(stage0.resolve("files/modelPath/encoder.onnx")));
        try (Stream<Path> all = Files.walk(saved)) {
            assertTrue(all.filter(Files::isRegularFile).map(p -> p.getFileName().toString())
                    .noneMatch(n -> n.endsWith(".ser") || n.endsWith(".obj")));
        }
    }

    @Test
    void aCopyChangedAfterSavingIsRefused(@TempDir Path dir) throws Exception {
        Path saved = dir.resolve("embedder");
        new OnnxEmbedder().setModelPath(TestData.model().toString()).save(saved.toString());
        Path copy = saved.resolve("files/modelPath/model.onnx");
        byte[] bytes = Files.readAllBytes(copy);
        bytes[bytes.length - 1] ^= 1;
        Files.write(copy, bytes);
        Files.deleteIfExists(copy.resolveSibling(".model.onnx.crc")); // else Hadoop's own checksum notices first
        OnnxEmbedderTest.assertMessage("differs from the saved", () -> OnnxEmbedder.load(saved.toString()));
        assertNotEquals(0, bytes.length);
    }
}
