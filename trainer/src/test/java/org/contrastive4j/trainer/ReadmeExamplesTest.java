package org.contrastive4j.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import javax.imageio.ImageIO;
import org.contrastive4j.core.contract.SummaryField;
import org.contrastive4j.core.data.Dataset;
import org.contrastive4j.core.knn.Prediction;
import org.contrastive4j.inference.Classifier;
import org.contrastive4j.inference.Embedder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Use as a library" snippets, run as written: the code between the {@code README} markers below must
 * appear verbatim in the README (so the two cannot drift apart), and it must train a run on photos of mixed sizes and
 * classify a flat folder of new ones with the model it exported.
 */
class ReadmeExamplesTest {

    private static final Path README = Path.of(System.getProperty("c4j.home", "..")).resolve("README.md");
    private static final Color[] COLOURS = {Color.RED, Color.GREEN, Color.BLUE};
    private static final String[] CLASSES = {"red", "green", "blue"};

    @TempDir
    Path dir;

    @Test
    void theLibrarySnippetsRunAsTheReadmeShowsThem() throws Exception {
        Path images = dir.resolve("my-images");
        Path runDir = dir.resolve("runs/mine");
        Path newImages = dir.resolve("new-images");
        Random random = new Random(7);
        for (int c = 0; c < CLASSES.length; c++) {
            for (int i = 0; i < 40; i++) {
                write(images.resolve(CLASSES[c]).resolve("img-" + i + ".jpg"), COLOURS[c], random);
            }
        }
        for (int i = 0; i < 6; i++) {
            write(newImages.resolve("photo-" + i + ".jpg"), COLOURS[i % 3], random);
        }
        List<String> printed = new ArrayList<>();

        // README:begin train
        TrainConfig config = TrainConfig.of(Map.of(
                "data", images.toString(),           // root/<class>/*.jpg, or root/train/<class> + root/test/<class>
                "image_size", "32", "channels", 3,   // every photo resized (shorter side) and centre-cropped to 3x32x32
                "loss", "sincere", "temperature", 0.1,
                "epochs", 3, "batch_size", 32, "out", runDir.toString()));
        Trainer.TrainedRun run = Trainer.train(config);   // progress on System.out; summary.json, report/, model.onnx
        System.out.printf("%.3f on %s (raw-pixel baseline %.3f)%n", run.accuracy(), run.evalSplit(),
                run.summary().number(SummaryField.BASELINE_KNN_ACC));
        Path model = run.model().orElseThrow();
        // README:end

        assertTrue(run.evalSplit().startsWith("validation"), "no test split: a held-out validation split, got "
                + run.evalSplit());
        assertTrue(run.accuracy() >= 0 && run.accuracy() <= 1, "accuracy " + run.accuracy());
        // Solid colours with noise: k-NN on the raw pixels separates them all.
        assertEquals(1.0, run.summary().number(SummaryField.BASELINE_KNN_ACC), 1e-9);
        assertTrue(Files.isRegularFile(runDir.resolve("summary.json")));
        assertTrue(Files.isRegularFile(runDir.resolve("report/index.html")));

        // README:begin classify
        try (Embedder embedder = Embedder.open(model)) {             // thread-safe; share one instance
            BufferedImage photo = ImageIO.read(newImages.resolve("photo-0.jpg").toFile());
            float[] vector = embedder.embed(embedder.read(List.of(photo)))[0];
            System.out.println(vector.length + "-d " + embedder.info().outputName());
            Classifier classifier = Classifier.head(embedder);
            Dataset batch = embedder.dataset(newImages);             // a file, a flat folder, a glob or a list file
            Prediction[] predictions = classifier.classify(batch);
            for (int i = 0; i < predictions.length; i++) {
                System.out.println(batch.id(i) + " " + predictions[i].className() + " " + predictions[i].score());
        // README:end
                printed.add(batch.id(i) + " " + predictions[i].className());
            }
            assertEquals(embedder.info().outputLength(), vector.length);
            // The in-memory image and the same file read from the folder give the same embedding.
            float[] fromFile = embedder.embed(batch, 0, 1)[0];
            for (int d = 0; d < vector.length; d++) {
                assertEquals(fromFile[d], vector[d], 1e-6f, "dimension " + d);
            }
        }
        assertEquals(6, printed.size(), printed.toString());
        Set<String> ids = new HashSet<>();
        for (String line : printed) {
            String[] parts = line.split(" ");
            ids.add(parts[0]);
            assertTrue(List.of(CLASSES).contains(parts[1]), line);
        }
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < 6; i++) {
            expected.add("photo-" + i + ".jpg");
        }
        assertEquals(expected, ids);

        String readme = Files.readString(README);
        for (String block : blocks()) {
            assertTrue(readme.contains(block), "README.md lacks, verbatim, this snippet of " + getClass().getSimpleName()
                    + ":\n" + block);
        }
    }

    /** A noisy image of one colour, of a random size between 24 and 80 pixels a side. */
    private static void write(Path file, Color colour, Random random) throws IOException {
        Files.createDirectories(file.getParent());
        BufferedImage img = new BufferedImage(24 + random.nextInt(57), 24 + random.nextInt(57), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(colour);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.dispose();
        for (int k = 0; k < img.getWidth() * img.getHeight() / 8; k++) {
            img.setRGB(random.nextInt(img.getWidth()), random.nextInt(img.getHeight()), random.nextInt(0x1000000));
        }
        ImageIO.write(img, "jpg", file.toFile());
    }

    /** The marked snippets of this file, with the test's indentation removed. */
    private static List<String> blocks() throws IOException {
        Path source = Path.of("src/test/java/org/contrastive4j/trainer/ReadmeExamplesTest.java");
        List<String> blocks = new ArrayList<>();
        StringBuilder current = null;
        int indent = 0;
        for (String line : Files.readAllLines(source)) {
            String t = line.strip();
            if (t.startsWith("// README:begin")) {
                current = new StringBuilder();
                indent = line.indexOf('/');
            } else if (t.equals("// README:end")) {
                blocks.add(current.toString());
                current = null;
            } else if (current != null) {
                current.append(line.length() >= indent ? line.substring(indent) : line.strip()).append('\n');
            }
        }
        assertEquals(2, blocks.size(), "README markers in " + source);
        return blocks;
    }
}
