package org.contrastive4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.contrastive4j.core.data.Samples;
import org.contrastive4j.inference.Embedder;
import org.contrastive4j.inference.EmbedderOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's PySpark snippet reaches the transformers through py4j, which finds a method by name, arity and the
 * Java types its Python arguments convert to (str to String, bool to boolean, int to int). PySpark cannot be
 * installed where these tests run, so this test reads the snippet from spark/README.md and makes exactly its JVM
 * calls that way, by reflection, on the committed model and test images.
 */
class PySparkSnippetTest {

    /** {@code spark._jvm.<class>(<args>)} followed by {@code .<method>(<one literal>)} calls. */
    private static final Pattern JVM_CHAIN = Pattern.compile(
            "spark\\._jvm\\.((?:[a-z]\\w*\\.)+[A-Z]\\w*)(?:\\.([a-z]\\w*))?\\(([^()]*)\\)((?:\\s*\\.\\w+\\([^()]*\\))*)");
    private static final Pattern CALL = Pattern.compile("\\.(\\w+)\\(([^()]*)\\)");

    @Test
    void theReadmeSnippetsJvmCallsResolveAndRunAsPy4jMakesThem(@TempDir Path dir) throws Exception {
        String snippet = TestData.readmeSnippet("## PySpark", "python");

        Path pipeline = dir.resolve("catalogue-pipeline");
        new Pipeline().setStages(new PipelineStage[] {new OnnxEmbedder().setModelPath(TestData.model().toString())
                .setInputCol("content")}).fit(images()).write().save(pipeline.toString());
        Map<String, String> paths = Map.of("/models/encoder.onnx", TestData.model().toString(),
                "/models/catalogue-pipeline", pipeline.toString());

        List<Object> made = new ArrayList<>();
        Matcher m = JVM_CHAIN.matcher(snippet);
        while (m.find()) {
            Class<?> type = Class.forName(m.group(1));
            Object target;
            if (m.group(2) == null) {
                target = type.getConstructor().newInstance(); // spark._jvm.pkg.Class(): the public no-arg constructor
            } else {
                target = call(type, null, m.group(2), literal(m.group(3), paths)); // spark._jvm.pkg.Class.staticMethod(x)
            }
            Matcher c = CALL.matcher(m.group(4));
            while (c.find()) {
                target = call(target.getClass(), target, c.group(1), literal(c.group(2), paths));
            }
            made.add(target);
        }
        assertEquals(2, made.size(), "the snippet makes an embedder and loads a pipeline: " + made);
        OnnxEmbedder embedder = (OnnxEmbedder) made.get(0);
        assertEquals(TestData.model().toString(), embedder.getModelPath());
        assertEquals("content", embedder.getInputCol());
        assertTrue(embedder.getNormalize());

        // embedder.transform(images._jdf) and saved.transform(images._jdf): a Dataset in, a Dataset<Row> out
        Row first = ((Dataset<?>) call(OnnxEmbedder.class, embedder, "transform", images())).toDF()
                .select("path", "embedding").orderBy("path").first();
        Row loaded = ((Dataset<?>) call(PipelineModel.class, made.get(1), "transform", images())).toDF()
                .select("path", "embedding").orderBy("path").first();
        assertEquals(first.getString(0), loaded.getString(0));
        try (Embedder e = Embedder.open(TestData.model(), EmbedderOptions.builder().l2Normalize(true).build());
                Embedder raw = Embedder.open(TestData.model(), EmbedderOptions.builder().build())) {
            Samples one = TestData.pngSample(first.getString(0));
            assertTrue(TestData.maxAbsDiff(e.embed(one)[0], TestData.floats(first, 1)) <= 1e-6);
            assertTrue(TestData.maxAbsDiff(raw.embed(one)[0], TestData.floats(loaded, 1)) <= 1e-6);
        }
    }

    private static Dataset<Row> images() throws Exception {
        return TestSpark.session().read().format("binaryFile").option("recursiveFileLookup", "true")
                .load(TestData.testPngs().toString()).limit(64);
    }

    /** A Python literal of the snippet as py4j passes it: a str, a bool or an int (paths mapped to test files). */
    private static Object[] literal(String text, Map<String, String> paths) {
        String t = text.strip();
        if (t.isEmpty()) {
            return new Object[0];
        }
        if (t.startsWith("\"") && t.endsWith("\"")) {
            String s = t.substring(1, t.length() - 1);
            return new Object[] {paths.getOrDefault(s, s)};
        }
        if (t.equals("True") || t.equals("False")) {
            return new Object[] {t.equals("True")};
        }
        return new Object[] {Integer.parseInt(t)};
    }

    /** Invokes the one public method py4j would pick: by name and arity, its parameters taking the arguments. */
    private static Object call(Class<?> type, Object target, String name, Object... args) throws Exception {
        List<Method> fits = new ArrayList<>();
        for (Method method : type.getMethods()) {
            if (method.getName().equals(name) && method.getParameterCount() == args.length
                    && (target != null || Modifier.isStatic(method.getModifiers())) && accepts(method.getParameterTypes(), args)) {
                fits.add(method);
            }
        }
        assertTrue(!fits.isEmpty(), type.getName() + " has no public " + name + " taking " + Arrays.toString(args));
        return fits.get(0).invoke(target, args);
    }

    private static boolean accepts(Class<?>[] params, Object[] args) {
        for (int i = 0; i < params.length; i++) {
            Class<?> p = params[i];
            Class<?> boxed = p == boolean.class ? Boolean.class : p == int.class ? Integer.class : p == long.class
                    ? Long.class : p == double.class ? Double.class : p;
            if (!boxed.isInstance(args[i]) && !(args[i] instanceof Integer && (p == long.class || p == double.class))) {
                return false;
            }
        }
        return true;
    }

    @Test
    void theReadmeSnippetIsThereToBeRead() throws Exception {
        String readme = Files.readString(TestData.home().resolve("spark/README.md"));
        String constructor = "spark._jvm.org.contrastive4j.spark.OnnxEmbedder()";
        assertTrue(readme.contains(constructor));
        assertArrayEquals(new String[] {"setModelPath", "setInputCol", "setNormalize"},
                CALL.matcher(readme.substring(readme.indexOf(constructor) + constructor.length()))
                        .results().limit(3).map(r -> r.group(1)).toArray(String[]::new));
    }
}
