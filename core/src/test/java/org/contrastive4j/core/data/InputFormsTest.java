package org.contrastive4j.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every way of naming images: folders (labelled, flat, train/test layout), files, globs, lists, manifests. */
class InputFormsTest {

    @TempDir
    Path tmp;

    private static final LoadOptions SMALL = LoadOptions.builder().channels(1).height(4).width(4).build();

    private Path image(String rel, int level) throws IOException {
        return ImageFilesTest.write(tmp.resolve(rel), ImageFilesTest.solid(5 + level % 7, 6, BufferedImage.TYPE_BYTE_GRAY,
                level));
    }

    private static List<String> ids(Dataset d) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < d.size(); i++) {
            out.add(d.id(i));
        }
        return out;
    }

    private static float first(Dataset d, int i) {
        float[] v = new float[d.sampleLength()];
        d.read(i, v, 0);
        return v[0];
    }

    private Dataset open(LoadOptions o, String... inputs) throws IOException {
        return DataSources.open(List.of(inputs), o);
    }

    @Test
    void aFlatFolderIsUnlabelledWithFileNamesAsIds() throws IOException {
        image("new/b.png", 20);
        image("new/a.jpg", 40);
        Files.writeString(tmp.resolve("new/readme.md"), "not an image");
        Dataset d = open(SMALL, tmp.resolve("new").toString());
        assertFalse(d.labelled());
        assertNull(d.labels());
        assertEquals(List.of("a.jpg", "b.png"), ids(d));
        assertEquals(20 / 255f, first(d, 1), 1e-6f);
        assertEquals("image-files", DataSources.formatOf(tmp.resolve("new")));
    }

    @Test
    void singleAndSeveralFilesKeepTheirPathsAsGiven() throws IOException {
        Path a = image("x/a.png", 10);
        Path b = image("y/b.png", 30);
        Dataset one = open(SMALL, a.toString());
        assertEquals(List.of(a.toString()), ids(one));
        Dataset two = open(SMALL, b.toString(), a.toString());
        assertEquals(List.of(b.toString(), a.toString()), ids(two));
        assertEquals(30 / 255f, first(two, 0), 1e-6f);
        IOException notImage = assertThrows(IOException.class,
                () -> open(SMALL, a.toString(), Files.writeString(tmp.resolve("t.csv"), "1,2\n").toString()));
        assertTrue(notImage.getMessage().contains("t.csv") && notImage.getMessage().contains("not an image"),
                notImage.getMessage());
    }

    @Test
    void globsMatchImageFilesAndSpellIdsAsThePatternDoes() throws IOException {
        image("shots/day1/p2.png", 1);
        image("shots/day1/p1.png", 2);
        image("shots/day2/q.jpg", 3);
        image("shots/top.png", 4);
        Files.writeString(tmp.resolve("shots/day1/notes.png.txt"), "x");
        String base = tmp.resolve("shots").toString();
        assertEquals(List.of(base + "/day1/p1.png", base + "/day1/p2.png"), ids(open(SMALL, base + "/day1/*.png")));
        assertEquals(List.of(base + "/day1/p1.png", base + "/day1/p2.png", base + "/day2/q.jpg"),
                ids(open(SMALL, base + "/*/*")));
        assertEquals(List.of(base + "/day1/p1.png", base + "/day1/p2.png", base + "/top.png"),
                ids(open(SMALL, base + "/**.png")));
        IOException none = assertThrows(IOException.class, () -> open(SMALL, base + "/*.gif"));
        assertTrue(none.getMessage().contains("no image files match"), none.getMessage());
    }

    @Test
    void listFilesResolveRelativePathsAndNameTheLineOfAMissingFile() throws IOException {
        image("imgs/a.png", 50);
        image("imgs/sub/b.png", 60);
        Path list = Files.writeString(tmp.resolve("todo.txt"), "# new arrivals\nimgs/sub/b.png\n\n  imgs/a.png  \n");
        Dataset d = open(SMALL, list.toString());
        assertEquals(List.of("imgs/sub/b.png", "imgs/a.png"), ids(d));
        assertEquals(60 / 255f, first(d, 0), 1e-6f);
        Path bad = Files.writeString(tmp.resolve("bad.lst"), "imgs/a.png\nimgs/gone.png\n");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> open(SMALL, bad.toString()));
        assertTrue(e.getMessage().contains("bad.lst: line 2") && e.getMessage().contains("imgs/gone.png"), e.getMessage());
    }

    @Test
    void manifestsGivePathsAndLabels() throws IOException {
        image("m/cat one.png", 70);
        image("m/dog,1.png", 80);
        image("m/cat2.png", 90);
        Path csv = Files.writeString(tmp.resolve("m/manifest.csv"),
                "path,label,notes\ncat one.png,cat,first\n\"dog,1.png\",dog,\"a note\nover two lines\"\ncat2.png,cat,\n");
        assertEquals("image-manifest", DataSources.formatOf(csv));
        Dataset d = DataSources.open(csv, SMALL);
        assertTrue(d instanceof ImageFiles);
        assertEquals(List.of("cat one.png", "dog,1.png", "cat2.png"), ids(d));
        assertEquals(List.of("cat", "dog"), d.classNames());
        assertArrayEquals(new int[] {0, 1, 0}, d.labels());
        assertEquals(80 / 255f, first(d, 1), 1e-6f);
        Path tsv = Files.writeString(tmp.resolve("m/unlabelled.tsv"), "path\ncat2.png\n");
        assertFalse(DataSources.open(tsv, SMALL).labelled());
        Path missingLabel = Files.writeString(tmp.resolve("m/ml.csv"), "path,label\ncat2.png,\n");
        IOException e = assertThrows(IOException.class, () -> DataSources.open(missingLabel, SMALL));
        assertTrue(e.getMessage().contains("ml.csv: line 2") && e.getMessage().contains("missing label"), e.getMessage());
    }

    @Test
    void theTrainTestLayoutIsRecognisedAndEachSplitPicksItsFolder() throws IOException {
        image("root/train/ant/1.png", 1);
        image("root/train/bee/2.png", 2);
        image("root/train/bee/3.png", 3);
        image("root/val/bee/4.png", 4);
        Path root = tmp.resolve("root");
        assertEquals("image-folder", DataSources.formatOf(root));
        assertEquals("val/", DataSources.testSplit(root));
        Dataset train = DataSources.open(root, SMALL.toBuilder().split("train").build());
        assertEquals(List.of("ant", "bee"), train.classNames());
        assertEquals(List.of("train/ant/1.png", "train/bee/2.png", "train/bee/3.png"), ids(train));
        Dataset test = DataSources.open(root, SMALL.toBuilder().split("test").build());
        assertEquals(List.of("val/bee/4.png"), ids(test));
        assertEquals(List.of("bee"), test.classNames());
        // One folder of classes has no test split: it must not be offered as its own test set.
        assertNull(DataSources.testSplit(root.resolve("train")));
        Files.createDirectories(tmp.resolve("only/train/a"));
        image("only/train/a/x.png", 5);
        IOException noTest = assertThrows(IOException.class,
                () -> DataSources.open(tmp.resolve("only"), SMALL.toBuilder().split("test").build()));
        assertTrue(noTest.getMessage().contains("no held-out folder"), noTest.getMessage());
    }

    @Test
    void emptyClassFoldersAndLooseImagesAreReportedAsSuch() throws IOException {
        Files.createDirectories(tmp.resolve("e/cats"));
        Files.createDirectories(tmp.resolve("e/dogs"));
        IOException all = assertThrows(IOException.class, () -> DataSources.open(tmp.resolve("e"), SMALL));
        assertTrue(all.getMessage().contains("'cats', 'dogs' hold no PNG/JPEG images"), all.getMessage());
        image("e/dogs/1.png", 9);
        IOException one = assertThrows(IOException.class, () -> DataSources.open(tmp.resolve("e"), SMALL));
        assertTrue(one.getMessage().contains("class folder 'cats' holds no PNG/JPEG images"), one.getMessage());
        image("e/cats/2.png", 9);
        image("e/stray.png", 9);
        IOException loose = assertThrows(IOException.class, () -> DataSources.open(tmp.resolve("e"), SMALL));
        assertTrue(loose.getMessage().contains("1 loose images") && loose.getMessage().contains("stray.png"),
                loose.getMessage());
    }

    @Test
    void imagesCannotFeedAFlatVectorModelAndTheDefaultShapeIsDocumented() throws IOException {
        Path a = image("z/a.png", 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> open(LoadOptions.builder().sampleShape(16).build(), a.toString()));
        assertTrue(e.getMessage().contains("[C, H, W]") && e.getMessage().contains("[16]"), e.getMessage());
        assertArrayEquals(new int[] {3, 64, 64}, open(LoadOptions.DEFAULTS, a.toString()).sampleShape());
        assertArrayEquals(new int[] {1, 28, 28}, open(LoadOptions.builder().sampleShape(1, 28, 28).build(), a.toString())
                .sampleShape());
        assertArrayEquals(new int[] {224, 160}, LoadOptions.parseImageSize("224x160", "--image-size"));
        assertArrayEquals(new int[] {32, 32}, LoadOptions.parseImageSize("32", "--image-size"));
        assertNull(LoadOptions.parseImageSize("", "--image-size"));
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.parseImageSize("0x5", "--image-size"));
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.parseImageSize("big", "--image-size"));
    }
}
