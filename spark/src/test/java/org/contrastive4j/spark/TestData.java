package org.contrastive4j.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.contrastive4j.core.data.DataSources;
import org.contrastive4j.core.data.ImageFolder;
import org.contrastive4j.core.data.LoadOptions;
import org.contrastive4j.core.data.Samples;
import org.contrastive4j.core.image.DecodedImage;
import org.contrastive4j.core.image.ImageDecoder;
import org.contrastive4j.core.image.ImageFit;

/** The committed fixtures the tests run on, and DataFrames made from them (public for the cli tests). */
public final class TestData {

    private TestData() {}

    public static Path home() {
        String home = System.getProperty("c4j.home");
        return home == null ? Path.of("..").toAbsolutePath().normalize() : Path.of(home);
    }

    /** The image of a {@code binaryFile} row id ({@code file:/...png}) as the small-cnn's raw sample, as the CLI reads it. */
    static Samples pngSample(String id) throws IOException {
        DecodedImage img = ImageDecoder.defaults().decode(Path.of(id.replaceFirst("^file:", "")), 28, 28);
        float[] pixels = new float[28 * 28];
        ImageFit.toInput(img, 1, 28, 28, pixels, 0);
        return new Samples("png", pixels, new int[] {1, 28, 28}, null, List.of());
    }

    /** The first fenced block of {@code language} after the heading {@code heading} of spark/README.md. */
    static String readmeSnippet(String heading, String language) throws IOException {
        String readme = Files.readString(home().resolve("spark/README.md"));
        int start = readme.indexOf("```" + language, readme.indexOf(heading)) + 3 + language.length();
        return readme.substring(start, readme.indexOf("```", start));
    }

    /** A real small-cnn export (28 x 28 gray input, 16-d embedding, c4j metadata with Fashion-MNIST mean/std). */
    public static Path model() {
        return existing(home().resolve("core/src/test/resources/fixtures/format-v1/model.onnx"));
    }

    /** Input [1, 4, 4], outputs embedding [2], logits and probabilities [3], classes a/b/c, mean 0.5 std 0.25. */
    static Path headModel() {
        return existing(home().resolve("inference/src/test/resources/models/toolkit.onnx"));
    }

    /** Input x [4], output y [3], no metadata: not an image model. */
    static Path featureModel() {
        return existing(home().resolve("inference/src/test/resources/models/foreign.onnx"));
    }

    /** The committed Fashion-MNIST subset: 2,000 train / 1,000 test images, [1, 28, 28] in [0, 1]. */
    public static Samples subset(String split) throws IOException {
        return DataSources.load(existing(home().resolve("data/fashion-mnist-subset")), LoadOptions.builder().split(split).build());
    }

    private static Path existing(Path p) {
        if (!Files.exists(p)) {
            throw new IllegalStateException("missing test fixture " + p);
        }
        return p;
    }

    private static Path testPngs;

    /** The test split's 1,000 images as PNGs (see {@link #pngs}), written once per test JVM. */
    public static synchronized Path testPngs() throws IOException {
        if (testPngs == null) {
            Path dir = Files.createTempDirectory("c4j-spark-test-pngs");
            pngs(dir, subset("test"));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
            testPngs = dir;
        }
        return testPngs;
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort, at JVM exit
        }
    }

    /**
     * Writes the samples as 8-bit PNGs, {@code dir/<class>/<index>.png}: exact for Fashion-MNIST, whose pixels are
     * already k / 255.
     */
    static Path pngs(Path dir, Samples samples) throws IOException {
        ImageFolder.write(dir, samples);
        return dir;
    }

    /** The sample index encoded in a PNG path written by {@link #pngs}. */
    public static int indexOf(String path) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        return Integer.parseInt(name.substring(0, name.indexOf('.')));
    }

    /** {@code id} (int) and {@code features} (array<float>, the flattened raw sample), in at most {@code partitions}. */
    static Dataset<Row> featureRows(Samples s, int partitions) {
        List<Row> rows = new ArrayList<>();
        int len = s.sampleLength();
        for (int i = 0; i < s.size(); i++) {
            float[] v = new float[len];
            s.read(i, v, 0);
            rows.add(RowFactory.create(i, v));
        }
        StructType schema = new StructType().add("id", DataTypes.IntegerType, false)
                .add("features", DataTypes.createArrayType(DataTypes.FloatType, false));
        return TestSpark.session().createDataFrame(rows, schema).coalesce(partitions);
    }

    public static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            return Double.POSITIVE_INFINITY;
        }
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs((double) a[i] - b[i]));
        }
        return m;
    }

    public static float[] floats(Row row, String col) {
        return floats(row, row.fieldIndex(col));
    }

    public static float[] floats(Row row, int col) {
        List<Object> l = row.getList(col);
        float[] v = new float[l.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = ((Number) l.get(i)).floatValue();
        }
        return v;
    }
}
