package org.contrastive4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.ml.Pipeline;
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
import scala.tools.nsc.Main;

/**
 * The README's Scala snippet, compiled by the Scala compiler of Spark's Scala version and run on the test session,
 * with its paths pointed at the committed model, the test images and an index and pipeline made here.
 */
class ScalaSnippetTest {

    @Test
    void theReadmeSnippetCompilesAndRuns(@TempDir Path dir) throws Exception {
        String snippet = TestData.readmeSnippet("## Scala", "scala");

        Samples train = TestData.subset("train");
        Path index = dir.resolve("ref.idx");
        try (Embedder e = Embedder.open(TestData.model(), EmbedderOptions.builder().build())) {
            KnnIndex.build(e.embed(train), train.labels(), train.classNames(), Metric.COSINE, e.fingerprint(), 5,
                    Vote.MAJORITY).save(index);
        }
        Path images = TestData.testPngs();
        Path pipeline = dir.resolve("catalogue-pipeline");
        Dataset<Row> content = TestSpark.session().read().format("binaryFile").option("recursiveFileLookup", "true")
                .load(images.toString());
        new Pipeline().setStages(new PipelineStage[] {new OnnxEmbedder().setModelPath(TestData.model().toString())
                .setInputCol("content")}).fit(content).write().save(pipeline.toString());
        Map<String, Path> paths = Map.of("s3a://bucket/images", images, "s3a://bucket/encoder.onnx", TestData.model(),
                "s3a://bucket/ref.idx", index, "s3a://bucket/catalogue-pipeline", pipeline);
        for (Map.Entry<String, Path> p : paths.entrySet()) {
            assertTrue(snippet.contains("\"" + p.getKey() + "\""), p.getKey());
            snippet = snippet.replace("\"" + p.getKey() + "\"", "\"" + p.getValue() + "\"");
        }

        Path source = dir.resolve("ReadmeScalaSnippet.scala");
        Files.writeString(source, "import org.apache.spark.sql.{DataFrame, SparkSession}\n\nobject ReadmeScalaSnippet {\n"
                + "  def run(spark: SparkSession): Array[DataFrame] = {\n" + snippet + "\n    Array(labelled, again)\n  }\n}\n");
        Path classes = Files.createDirectories(dir.resolve("classes"));
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        boolean compiled = Main.process(new String[] {"-classpath", classPath, "-d", classes.toString(),
            source.toString()});
        assertTrue(compiled, "scalac failed on the README snippet (its messages are above)");

        Dataset<?>[] out;
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
            out = (Dataset<?>[]) loader.loadClass("ReadmeScalaSnippet").getMethod("run", SparkSession.class)
                    .invoke(null, TestSpark.session());
        }
        long pngs;
        try (var files = Files.walk(images)) {
            pngs = files.filter(p -> p.toString().endsWith(".png")).count();
        }
        Set<String> classNames = Set.copyOf(train.classNames());
        List<Row> labelled = out[0].toDF().select("prediction").collectAsList();
        assertEquals(pngs, labelled.size());
        assertTrue(classNames.containsAll(labelled.stream().map(r -> r.getString(0)).collect(Collectors.toSet())));

        Row first = out[1].toDF().select("path", "embedding").orderBy("path").first();
        try (Embedder e = Embedder.open(TestData.model(), EmbedderOptions.builder().build())) {
            float[] expected = e.embed(TestData.pngSample(first.getString(0)))[0];
            assertTrue(TestData.maxAbsDiff(expected, TestData.floats(first, 1)) <= 1e-6);
        }
        assertTrue(new File(classes.toFile(), "ReadmeScalaSnippet.class").isFile());
    }
}
