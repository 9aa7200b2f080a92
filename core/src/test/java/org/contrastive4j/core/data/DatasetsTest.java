package org.contrastive4j.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetsTest {

    @TempDir
    Path tmp;

    private static Samples labelled(int[] y, List<String> names) {
        return new Samples("mem", new float[y.length], new int[] {1}, y, names);
    }

    @Test
    void aStrayLargeIntegerLabelIsRefusedWithItsRowAndTheClassCount() throws IOException {
        // An IDX label file of ten classes 0..9 with one byte of 200: 201 classes, 190 of them (10..199) empty.
        byte[] labels = new byte[30];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = (byte) (i % 10);
        }
        labels[17] = (byte) 200;
        Path lab = Files.write(tmp.resolve("x-labels-idx1-ubyte"), CraftedFiles.concat(CraftedFiles.idxHeader(0x08, 30), labels));
        Path img = Files.write(tmp.resolve("x-images-idx3-ubyte"),
                CraftedFiles.concat(CraftedFiles.idxHeader(0x08, 30, 2, 2), new byte[120]));
        Samples s = IdxReader.readImages(img, lab, null);
        assertEquals(201, s.numClasses());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Datasets.requireEveryClassPresent(s, "training"));
        assertTrue(e.getMessage().contains("201 classes, but 190 of them") && e.getMessage().contains("row 17")
                && e.getMessage().contains("largest label, 200") && e.getMessage().contains("x-images-idx3-ubyte"),
                e.getMessage());
        Datasets.requireEveryClassPresent(labelled(new int[] {1, 0, 1}, List.of("0", "1")), "training");
    }

    @Test
    void heldOutLabelsAreMatchedToTheTrainingClassesByName() {
        Samples test = labelled(new int[] {0, 1, 1}, List.of("bee", "wasp"));
        Dataset aligned = Datasets.withClassNames(test, List.of("ant", "bee", "wasp"));
        assertArrayEquals(new int[] {1, 2, 2}, aligned.labels());
        assertEquals(List.of("ant", "bee", "wasp"), aligned.classNames());
        assertArrayEquals(new int[] {2, 1}, aligned.select(new int[] {2, 0}).labels());
        assertSame(test, Datasets.withClassNames(test, List.of("bee", "wasp")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Datasets.withClassNames(test, List.of("ant", "bee")));
        assertTrue(e.getMessage().contains("'wasp' is not among the training classes"), e.getMessage());
    }

    @Test
    void holdOutGivesTheSameIndicesAsTheInMemorySplit() {
        int[] y = new int[50];
        for (int i = 0; i < y.length; i++) {
            y[i] = i % 3;
        }
        Samples s = new Samples("mem", new float[50], new int[] {1}, y, List.of("a", "b", "c"));
        for (int i = 0; i < 50; i++) {
            s.values()[i] = i;
        }
        Splits.Split inMemory = Splits.stratified(s, 0.2, 7);
        Splits.Parts parts = Splits.holdOut(s, 0.2, 7);
        assertArrayEquals(inMemory.validation().labels(), parts.validation().labels());
        assertArrayEquals(inMemory.validation().values(), ((Samples) parts.validation()).values());
        assertEquals(50, parts.train().size() + parts.validation().size());
    }
}
