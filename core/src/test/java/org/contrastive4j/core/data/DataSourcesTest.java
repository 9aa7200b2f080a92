package org.contrastive4j.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataSourcesTest {

    @TempDir
    Path tmp;

    private static int[] classCounts(Samples s) {
        int[] counts = new int[s.numClasses()];
        for (int y : s.labels()) {
            counts[y]++;
        }
        return counts;
    }

    @Test
    void committedSubsetLoadsBothSplits() throws IOException {
        Path dir = FashionMnist.subsetDir();
        Samples train = DataSources.load(dir, LoadOptions.builder().split("train").build());
        Samples test = DataSources.load(dir, LoadOptions.builder().split("test").build());
        assertEquals(2000, train.size());
        assertEquals(1000, test.size());
        assertArrayEquals(new int[] {1, 28, 28}, test.sampleShape());
        assertEquals(FashionMnist.CLASS_NAMES, test.classNames());
        for (int c : classCounts(test)) {
            assertEquals(100, c);
        }
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (float v : test.values()) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertEquals(0f, min);
        assertEquals(1f, max);
        assertEquals("idx", DataSources.formatOf(dir));
    }

    @Test
    void subsetCanBeConformedToAnRgbModelInput() throws IOException {
        Samples s = DataSources.load(FashionMnist.subsetDir(),
                LoadOptions.builder().split("test").sampleShape(3, 32, 32).build());
        assertArrayEquals(new int[] {3, 32, 32}, s.sampleShape());
        assertEquals(1000, s.size());
        int plane = 32 * 32;
        for (int i = 0; i < plane; i += 97) {
            assertEquals(s.values()[i], s.values()[plane + i]);
            assertEquals(s.values()[i], s.values()[2 * plane + i]);
        }
    }

    @Test
    void singleIdxFileFindsItsSiblingLabels() throws IOException {
        Path f = FashionMnist.subsetDir().resolve("t10k-images-idx3-ubyte.gz");
        Samples s = DataSources.load(f, LoadOptions.DEFAULTS);
        assertEquals(1000, s.size());
        assertTrue(s.labelled());
    }

    @Test
    void truncatedIdxIsReportedWithItsPath() throws IOException {
        byte[] gz = Files.readAllBytes(FashionMnist.subsetDir().resolve("t10k-images-idx3-ubyte.gz"));
        Path dir = Files.createDirectories(tmp.resolve("broken"));
        Files.write(dir.resolve("t10k-images-idx3-ubyte.gz"), Arrays.copyOf(gz, gz.length / 2));
        Files.copy(FashionMnist.subsetDir().resolve("t10k-labels-idx1-ubyte.gz"), dir.resolve("t10k-labels-idx1-ubyte.gz"));
        IOException e = assertThrows(IOException.class,
                () -> DataSources.load(dir, LoadOptions.builder().split("test").build()));
        assertTrue(e.getMessage().contains("t10k-images-idx3-ubyte.gz"), e.getMessage());
        IOException noTrain = assertThrows(IOException.class, () -> DataSources.load(dir, LoadOptions.DEFAULTS));
        assertTrue(noTrain.getMessage().contains("no IDX images for the train split"), noTrain.getMessage());
    }

    @Test
    void mismatchedIdxLabelCountIsReported() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("mismatch"));
        Files.copy(FashionMnist.subsetDir().resolve("t10k-images-idx3-ubyte.gz"), dir.resolve("t10k-images-idx3-ubyte.gz"));
        Files.copy(FashionMnist.subsetDir().resolve("train-labels-idx1-ubyte.gz"), dir.resolve("t10k-labels-idx1-ubyte.gz"));
        IOException e = assertThrows(IOException.class,
                () -> DataSources.load(dir, LoadOptions.builder().split("test").build()));
        assertTrue(e.getMessage().contains("2000 labels") && e.getMessage().contains("1000 images"), e.getMessage());
    }

    @Test
    void csvIsReshapedToTheRequestedSampleShape() throws IOException {
        Path p = tmp.resolve("x.csv");
        Files.writeString(p, "label,a,b,c,d\n1,1,2,3,4\n0,5,6,7,8\n");
        Samples s = DataSources.load(p, LoadOptions.builder().sampleShape(1, 2, 2).build());
        assertArrayEquals(new int[] {1, 2, 2}, s.sampleShape());
        assertArrayEquals(new int[] {1, 0}, s.labels());
        IOException e = assertThrows(IOException.class,
                () -> DataSources.load(p, LoadOptions.builder().sampleShape(1, 28, 28).build()));
        assertTrue(e.getMessage().contains("x.csv") && e.getMessage().contains("4 feature values"), e.getMessage());
    }

    @Test
    void npyWithLabelsAndUint8Scaling() throws IOException {
        Path x = tmp.resolve("x.npy");
        Path y = tmp.resolve("y.npy");
        Files.write(x, NpyFilesTest.npy("{'descr': '|u1', 'fortran_order': False, 'shape': (2, 1, 1, 2), }",
                new byte[] {0, (byte) 255, 51, 102}));
        NpyFiles.writeInts(y, new int[] {2}, new int[] {4, 1});
        Samples s = DataSources.load(x, LoadOptions.builder().labelsPath(y).build());
        assertArrayEquals(new int[] {1, 1, 2}, s.sampleShape());
        assertArrayEquals(new float[] {0f, 1f, 0.2f, 0.4f}, s.values(), 1e-7f);
        assertArrayEquals(new int[] {4, 1}, s.labels());
        assertEquals(5, s.numClasses());

        NpyFiles.writeInts(y, new int[] {3}, new int[] {0, 1, 2});
        IOException e = assertThrows(IOException.class,
                () -> DataSources.load(x, LoadOptions.builder().labelsPath(y).build()));
        assertTrue(e.getMessage().contains("3 labels") && e.getMessage().contains("2 samples"), e.getMessage());
    }

    @Test
    void npyFeatureRowsAndNonFiniteValues() throws IOException {
        Path x = tmp.resolve("f.npy");
        NpyFiles.write(x, new int[] {2, 6}, new float[12]);
        assertArrayEquals(new int[] {2, 3}, DataSources.load(x, LoadOptions.builder().sampleShape(2, 3).build()).sampleShape());
        IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
                () -> DataSources.load(x, LoadOptions.builder().sampleShape(5).build()));
        assertTrue(wrong.getMessage().contains("[6]") && wrong.getMessage().contains("[5]"), wrong.getMessage());
        float[] bad = new float[12];
        bad[8] = Float.NaN;
        NpyFiles.write(x, new int[] {2, 6}, bad);
        IOException nan = assertThrows(IOException.class, () -> DataSources.load(x));
        assertTrue(nan.getMessage().contains("sample 1"), nan.getMessage());
    }

    @Test
    void imageFolderAndCifarAreDetected() throws IOException {
        Path folder = tmp.resolve("imgs");
        ImageFolder.write(folder, ImageFolderTest.randomImages(4, 3, 8, 8, List.of("p", "q"), 3));
        assertEquals("image-folder", DataSources.formatOf(folder));
        Samples s = DataSources.load(folder, LoadOptions.builder().channels(1).height(4).width(4).build());
        assertArrayEquals(new int[] {1, 4, 4}, s.sampleShape());
        String[] ids = DataSources.ids(folder, s.size());
        assertArrayEquals(new String[] {"p/0.png", "p/2.png", "q/1.png", "q/3.png"}, ids);
        assertArrayEquals(new int[] {0, 0, 1, 1}, s.labels());
        assertArrayEquals(new String[] {"0", "1"}, DataSources.ids(FashionMnist.subsetDir(), 2));

        Path cifar = Files.createDirectories(tmp.resolve("cifar"));
        Files.write(cifar.resolve("test_batch.bin"), CifarBinaryTest.records(2, 1, 0, 10));
        assertEquals("cifar", DataSources.formatOf(cifar));
        assertEquals(2, DataSources.load(cifar, LoadOptions.builder().split("test").build()).size());
    }

    @Test
    void unknownInputsListTheAcceptedFormats() throws IOException {
        Path dat = tmp.resolve("data.dat");
        Files.writeString(dat, "hello");
        IOException e = assertThrows(IOException.class, () -> DataSources.load(dat));
        assertTrue(e.getMessage().contains("data.dat") && e.getMessage().contains("accepted inputs"), e.getMessage());
        Path empty = Files.createDirectories(tmp.resolve("nothing"));
        IOException d = assertThrows(IOException.class, () -> DataSources.load(empty));
        assertTrue(d.getMessage().contains("accepted inputs"), d.getMessage());
        assertThrows(NoSuchFileException.class, () -> DataSources.load(tmp.resolve("missing.csv")));
        assertFalse(CifarBinary.looksLikeCifar(empty));
    }

    @Test
    void optionsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.builder().split("val").build());
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.builder().channels(2).build());
        int[] shape = {1, 2, 3};
        LoadOptions o = LoadOptions.builder().sampleShape(shape).build();
        shape[0] = 9;
        assertArrayEquals(new int[] {1, 2, 3}, o.sampleShape());
        assertEquals("test", o.toBuilder().split("test").build().split());
    }
}
