package org.contrastive4j.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CifarBinaryTest {

    @TempDir
    Path tmp;

    /** Records whose pixel bytes encode (record seed + position) so every value can be checked. */
    static byte[] records(int n, int labelBytes, int seed, int classes) {
        int rec = labelBytes + 3072;
        byte[] b = new byte[n * rec];
        for (int r = 0; r < n; r++) {
            for (int l = 0; l < labelBytes; l++) {
                b[r * rec + l] = (byte) ((seed + r + 7 * l) % classes);
            }
            for (int i = 0; i < 3072; i++) {
                b[r * rec + labelBytes + i] = (byte) (seed * 31 + r * 7 + i);
            }
        }
        return b;
    }

    @Test
    void cifar10DirectoryConcatenatesBatchesInNumericOrder() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("cifar-10-batches-bin"));
        Files.write(dir.resolve("data_batch_2.bin"), records(2, 1, 20, 10));
        Files.write(dir.resolve("data_batch_1.bin"), records(3, 1, 10, 10));
        Files.write(dir.resolve("test_batch.bin"), records(1, 1, 5, 10));
        Samples train = CifarBinary.load(tmp, "train");
        assertEquals(5, train.size());
        assertArrayEquals(new int[] {3, 32, 32}, train.sampleShape());
        assertArrayEquals(new int[] {0, 1, 2, 0, 1}, train.labels());
        assertEquals(CifarBinary.CIFAR10_CLASS_NAMES, train.classNames());
        // record 1 of batch 1 (seed 10): green channel (plane 1), row 2, column 3 -> byte index 1024 + 2*32 + 3
        int i = 1024 + 2 * 32 + 3;
        assertEquals(((10 * 31 + 7 + i) & 0xFF) / 255f, train.values()[3072 + i], 1e-7f);
        // first record of batch 2 follows batch 1
        assertEquals(((20 * 31) & 0xFF) / 255f, train.values()[3 * 3072], 1e-7f);
        assertEquals(1, CifarBinary.load(dir, "test").size());
    }

    @Test
    void cifar100UsesFineLabelAndNamesFile() throws IOException {
        Files.write(tmp.resolve("train.bin"), records(4, 2, 90, 100));
        Files.write(tmp.resolve("test.bin"), records(1, 2, 0, 100));
        StringBuilder names = new StringBuilder();
        for (int c = 0; c < 100; c++) {
            names.append("class").append(c).append('\n');
        }
        Files.writeString(tmp.resolve("fine_label_names.txt"), names);
        Samples s = CifarBinary.load(tmp, "train");
        // fine label = second byte = (seed + r + 7) % 100
        assertArrayEquals(new int[] {97, 98, 99, 0}, s.labels());
        assertEquals("class97", s.classNames().get(s.labels()[0]));
    }

    @Test
    void metaFileOverridesClassNames() throws IOException {
        Files.write(tmp.resolve("test_batch.bin"), records(1, 1, 3, 10));
        Files.writeString(tmp.resolve("batches.meta.txt"), "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n\n");
        Samples s = CifarBinary.load(tmp, "test");
        assertEquals(List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j"), s.classNames());
        assertEquals("d", s.classNames().get(s.labels()[0]));
    }

    @Test
    void truncatedFileIsRejectedWithRecordSize() throws IOException {
        byte[] full = records(2, 1, 0, 10);
        Path f = tmp.resolve("data_batch_1.bin");
        Files.write(f, Arrays.copyOf(full, full.length - 100));
        IOException e = assertThrows(IOException.class, () -> CifarBinary.load(f, "train"));
        assertTrue(e.getMessage().contains("data_batch_1.bin") && e.getMessage().contains("3073-byte"), e.getMessage());
    }

    @Test
    void labelOutOfRangeIsRejected() throws IOException {
        byte[] b = records(2, 1, 0, 10);
        b[3073] = 42;
        Path f = tmp.resolve("test_batch.bin");
        Files.write(f, b);
        IOException e = assertThrows(IOException.class, () -> CifarBinary.load(f, "test"));
        assertTrue(e.getMessage().contains("record 1") && e.getMessage().contains("label 42"), e.getMessage());
    }
}
