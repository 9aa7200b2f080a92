package org.contrastive4j.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.contrastive4j.core.data.Dataset;
import org.contrastive4j.core.data.FashionMnist;
import org.contrastive4j.core.data.ImageFiles;
import org.contrastive4j.trainer.data.BatchLoader;
import org.contrastive4j.trainer.data.ClassBalancedSampler;
import org.contrastive4j.trainer.data.ImageBuffer;
import org.contrastive4j.trainer.data.Pipeline;
import org.contrastive4j.trainer.data.ViewBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which samples a run trains on and which it measures: never the same ones, and said exactly. */
class TrainingDataTest {

    @TempDir
    Path tmp;

    private static TrainConfig config(Object... keyValues) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return TrainOptions.DEFAULTS.with(m);
    }

    /** {@code perClass} images per class, of random sizes (8..40 px) and random colours, in {@code root/<class>/}. */
    private Path folder(Path root, List<String> classes, int perClass, long seed) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        for (String c : classes) {
            Files.createDirectories(root.resolve(c));
            for (int i = 0; i < perClass; i++) {
                int w = 8 + r.nextInt(33);
                int h = 8 + r.nextInt(33);
                BufferedImage img = new BufferedImage(w, h, i % 4 == 0 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        img.setRGB(x, y, r.nextInt(1 << 24));
                    }
                }
                ImageIO.write(img, i % 3 == 0 ? "jpg" : "png", root.resolve(c).resolve(i + (i % 3 == 0 ? ".jpg" : ".png")).toFile());
            }
        }
        return root;
    }

    private static Set<String> ids(Dataset d) {
        Set<String> s = new HashSet<>();
        for (int i = 0; i < d.size(); i++) {
            s.add(d.id(i));
        }
        return s;
    }

    private static void disjoint(TrainingData data) {
        Set<String> reference = ids(data.evalReference());
        Set<String> train = ids(data.train());
        for (String q : ids(data.evalQuery())) {
            assertTrue(!reference.contains(q) && !train.contains(q), "query " + q + " is also a training sample");
        }
    }

    @Test
    void anImageFolderWithoutTestSplitHoldsOutAStratifiedValidationSplit() throws IOException {
        Path root = folder(tmp.resolve("imgs"), List.of("a", "b", "c"), 10, 1);
        TrainingData data = TrainingData.load(config("data", root.toString(), "image_size", "12"));
        assertEquals("validation (stratified 20% of the training data, seed 42)", data.evalSplit());
        assertEquals(24, data.train().size());
        assertEquals(6, data.evalQuery().size());
        assertEquals(data.evalQuery(), data.validation());
        int[] perClass = new int[3];
        for (int y : data.evalQuery().labels()) {
            perClass[y]++;
        }
        assertArrayEquals(new int[] {2, 2, 2}, perClass);
        disjoint(data);
        assertTrue(data.train() instanceof ImageFiles, "image folders stream");
        assertArrayEquals(new int[] {3, 12, 12}, data.train().sampleShape());
        assertTrue(data.description().contains("images fitted to 3 x 12 x 12"), data.description());

        TrainingData other = TrainingData.load(config("data", root.toString(), "validation_fraction", 0.3, "seed", 7L,
                "image_size", "6x9", "channels", 1));
        assertEquals("validation (stratified 30% of the training data, seed 7)", other.evalSplit());
        assertEquals(9, other.evalQuery().size());
        assertArrayEquals(new int[] {1, 6, 9}, other.train().sampleShape());
        disjoint(other);

        // Image folders are listed class by class: a sample limit takes evenly spaced files, so every class stays.
        TrainingData few = TrainingData.load(config("data", root.toString(), "image_size", "8", "max_train_samples", 6));
        assertEquals(6, few.train().size());
        assertEquals(3, Arrays.stream(few.train().labels()).distinct().count());
    }

    @Test
    void theTrainTestLayoutIsEvaluatedOnItsTestFolderWithClassesMatchedByName() throws IOException {
        Path root = tmp.resolve("layout");
        folder(root.resolve("train"), List.of("ant", "bee", "wasp"), 4, 2);
        folder(root.resolve("test"), List.of("bee", "wasp"), 2, 3);
        TrainingData data = TrainingData.load(config("data", root.toString(), "image_size", "8"));
        assertEquals("test (test/)", data.evalSplit());
        assertNull(data.validation());
        assertEquals(12, data.evalReference().size());
        assertEquals(List.of("ant", "bee", "wasp"), data.evalQuery().classNames());
        assertArrayEquals(new int[] {1, 1, 2, 2}, data.evalQuery().labels());
        disjoint(data);
    }

    @Test
    void theFashionMnistSubsetUsesItsTestFilesAndSaysSo() throws IOException {
        TrainingData data = TrainingData.load(config("data", "fashion-mnist-subset"));
        assertEquals("test (t10k-images-idx3-ubyte.gz)", data.evalSplit());
        assertEquals(2000, data.train().size());
        assertEquals(1000, data.evalQuery().size());
        TrainingData val = TrainingData.load(config("data", FashionMnist.subsetDir().toString(), "validation_fraction", 0.1));
        assertEquals("validation (stratified 10% of the training data, seed 42)", val.evalSplit());
        assertEquals(1800, val.train().size());
        assertEquals(200, val.evalQuery().size());
    }

    @Test
    void aCsvIsSplitAndTheTestDataCannotBeTheTrainingData() throws IOException {
        StringBuilder sb = new StringBuilder("x,y,label\n");
        for (int i = 0; i < 40; i++) {
            sb.append(i).append(',').append(i * 2).append(',').append(i % 4).append('\n');
        }
        Path csv = Files.writeString(tmp.resolve("f.csv"), sb.toString());
        TrainingData data = TrainingData.load(config("data", csv.toString()));
        assertEquals("validation (stratified 20% of the training data, seed 42)", data.evalSplit());
        assertEquals(8, data.evalQuery().size());
        float[] v = new float[2];
        Set<Float> trainX = new HashSet<>();
        for (int i = 0; i < data.train().size(); i++) {
            data.train().read(i, v, 0);
            trainX.add(v[0]);
        }
        for (int i = 0; i < data.evalQuery().size(); i++) {
            data.evalQuery().read(i, v, 0);
            assertTrue(!trainX.contains(v[0]), "row " + v[0] + " is in both");
        }
        IllegalArgumentException same = assertThrows(IllegalArgumentException.class,
                () -> TrainingData.load(config("data", csv.toString(), "test_data", csv.toString())));
        assertTrue(same.getMessage().contains("is the training data itself"), same.getMessage());
        IllegalArgumentException both = assertThrows(IllegalArgumentException.class,
                () -> TrainingData.load(config("data", csv.toString(), "test_data", csv.toString(), "validation_fraction", 0.2)));
        assertTrue(both.getMessage().contains("give one"), both.getMessage());
        Path test = Files.writeString(tmp.resolve("t.csv"), "x,y,label\n1,2,0\n3,4,3\n");
        TrainingData given = TrainingData.load(config("data", csv.toString(), "test_data", test.toString()));
        assertEquals("test (" + test + ")", given.evalSplit());
        assertEquals(40, given.train().size());
    }

    @Test
    void dataTooSmallToSplitAndStrayLabelsAreRefused() throws IOException {
        Path tiny = Files.writeString(tmp.resolve("tiny.csv"), "x,label\n1,a\n2,b\n3,c\n4,c\n");
        IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
                () -> TrainingData.load(config("data", tiny.toString())));
        assertTrue(small.getMessage().contains("holds no sample") && small.getMessage().contains("--test-data"),
                small.getMessage());
        StringBuilder sb = new StringBuilder("x,label\n");
        for (int i = 0; i < 20; i++) {
            sb.append(i).append(',').append(i == 13 ? 200 : i % 2).append('\n');
        }
        Path stray = Files.writeString(tmp.resolve("stray.csv"), sb.toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrainingData.load(config("data", stray.toString())));
        assertTrue(e.getMessage().contains("201 classes") && e.getMessage().contains("row 13"), e.getMessage());
    }

    @Test
    void trainingViewsOfMixedSizeImagesAreRandomResizedCropsOfTheFittedSample() throws IOException {
        Path root = folder(tmp.resolve("mixed"), List.of("a", "b"), 6, 4);
        TrainingData data = TrainingData.load(config("data", root.toString(), "image_size", "10x14"));
        Pipeline rgb = Pipeline.preset("auto", data.train().sampleShape(), data.normalization());
        assertEquals("rgb-default", rgb.name());
        ClassBalancedSampler sampler = new ClassBalancedSampler(data.train().labels(), 2, 4, 2, 1);
        ViewBatch b = BatchLoader.build(data.train(), sampler, rgb, 2, 1, 0, 0, rgb.newBuffer());
        assertArrayEquals(new int[] {3, 10, 14}, b.sampleShape());
        assertEquals(2 * 4 * 3 * 10 * 14, b.x().length);
        for (float x : b.x()) {
            assertTrue(Float.isFinite(x));
        }
        ViewBatch again = BatchLoader.build(data.train(), sampler, rgb, 2, 1, 0, 0, new ImageBuffer(1));
        assertArrayEquals(b.x(), again.x(), 0f);
    }
}
