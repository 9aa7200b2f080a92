package org.contrastive4j.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.contrastive4j.core.data.FashionMnist;
import org.contrastive4j.core.data.Samples;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BatchLoaderTest {

    static Samples data;

    @BeforeAll
    static void load() throws IOException {
        data = FashionMnist.load(FashionMnist.subsetDir(), "train").head(400);
    }

    private static Pipeline augmenting() {
        return Pipeline.preset("grayscale-default", data.sampleShape(), Normalization.FASHION_MNIST);
    }

    private static List<ViewBatch> drain(BatchLoader loader) {
        List<ViewBatch> out = new ArrayList<>();
        try (loader) {
            while (loader.hasNext()) {
                out.add(loader.next());
            }
        }
        return out;
    }

    private static void assertSameBatches(List<ViewBatch> a, List<ViewBatch> b) {
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).epoch(), b.get(i).epoch());
            assertEquals(a.get(i).step(), b.get(i).step());
            assertArrayEquals(a.get(i).indices(), b.get(i).indices());
            assertArrayEquals(a.get(i).labels(), b.get(i).labels());
            assertArrayEquals(a.get(i).x(), b.get(i).x(), "batch " + i);
        }
    }

    @Test
    void batchesAreIdenticalForAnyThreadCountAndPrefetch() {
        BatchSampler sampler = new ClassBalancedSampler(data.labels(), 10, 40, 4, 7);
        BatchLoader.Options one = new BatchLoader.Options(2, 99, 1, 1);
        List<ViewBatch> a = drain(new BatchLoader(data, sampler, augmenting(), one, 0, 0, 2));
        List<ViewBatch> b = drain(new BatchLoader(data, sampler, augmenting(), one.withThreads(4).withPrefetch(6), 0, 0, 2));
        assertEquals(20, a.size());
        assertSameBatches(a, b);
        List<ViewBatch> other = drain(new BatchLoader(data, sampler, augmenting(), new BatchLoader.Options(2, 100, 2, 2), 0, 0, 1));
        assertFalse(Arrays.equals(a.get(0).x(), other.get(0).x()), "the seed changes the augmentation");
    }

    @Test
    void resumingMidEpochReproducesTheUninterruptedSequence() {
        BatchSampler sampler = new RandomBatchSampler(data.size(), 32, 3);
        BatchLoader.Options opts = new BatchLoader.Options(2, 5, 2, 3);
        List<ViewBatch> full = drain(new BatchLoader(data, sampler, augmenting(), opts, 0, 0, 3));
        assertEquals(36, full.size());
        List<ViewBatch> resumed = drain(new BatchLoader(data, sampler, augmenting(), opts, 1, 5, 3));
        assertEquals(1, resumed.get(0).epoch());
        assertEquals(5, resumed.get(0).step());
        assertSameBatches(full.subList(12 + 5, 36), resumed);
    }

    @Test
    void layoutIsViewMajorWithLabelsOfTheChosenSamples() {
        BatchSampler sampler = new RandomBatchSampler(data.size(), 8, 1);
        Pipeline none = Pipeline.none(data.sampleShape(), Normalization.FASHION_MNIST);
        ViewBatch b = drain(new BatchLoader(data, sampler, none, new BatchLoader.Options(3, 1, 1, 2), 0, 0, 1)).get(0);
        assertArrayEquals(new long[] {24, 1, 28, 28}, b.shape());
        assertEquals(3 * 8 * 784, b.x().length);
        for (int v = 0; v < 3; v++) {
            for (int pos = 0; pos < 8; pos++) {
                int src = b.indices()[pos] * 784;
                int dst = (v * 8 + pos) * 784;
                for (int k = 0; k < 784; k += 13) {
                    assertEquals((data.values()[src + k] - FashionMnist.MEAN) / FashionMnist.STD, b.x()[dst + k], 1e-5f);
                }
            }
            assertEquals(data.labels()[b.indices()[v]], b.labels()[v]);
        }
        ViewBatch aug = BatchLoader.build(data, sampler, augmenting(), 2, 1, 0, 0, augmenting().newBuffer());
        assertFalse(Arrays.equals(Arrays.copyOfRange(aug.x(), 0, 784), Arrays.copyOfRange(aug.x(), 8 * 784, 9 * 784)),
                "the two views of a sample differ");
    }

    @Test
    void workerFailureSurfacesAfterTheBatchesBeforeIt() {
        BatchSampler inner = new RandomBatchSampler(data.size(), 10, 1);
        BatchSampler failing = new BatchSampler() {
            public int batchSize() {
                return 10;
            }

            public int stepsPerEpoch() {
                return inner.stepsPerEpoch();
            }

            public int[] batch(int epoch, int step) {
                if (step == 2) {
                    throw new IllegalArgumentException("sample 1234 is corrupt");
                }
                return inner.batch(epoch, step);
            }
        };
        try (BatchLoader loader = new BatchLoader(data, failing, augmenting(), new BatchLoader.Options(2, 1, 3, 4), 0, 0, 1)) {
            assertEquals(0, loader.next().step());
            assertEquals(1, loader.next().step());
            IllegalStateException e = assertThrows(IllegalStateException.class, loader::next);
            assertTrue(e.getMessage().contains("sample 1234 is corrupt") && e.getMessage().contains("step 2"), e.getMessage());
        }
    }

    @Test
    void closeStopsWorkersPromptly() throws InterruptedException {
        BatchSampler sampler = new RandomBatchSampler(data.size(), 16, 1);
        BatchLoader loader = new BatchLoader(data, sampler, augmenting(), new BatchLoader.Options(2, 1, 3, 2), 0, 0, 1000);
        loader.next();
        loader.close();
        assertFalse(loader.workersAlive());
        assertFalse(loader.hasNext());
        assertThrows(IllegalStateException.class, loader::next);
    }

    @Test
    void badStartPositionsAndShapesAreRejected() {
        BatchSampler sampler = new RandomBatchSampler(data.size(), 16, 1);
        assertThrows(IllegalArgumentException.class,
                () -> new BatchLoader(data, sampler, augmenting(), BatchLoader.Options.defaults(1), 0, 25, 2));
        Pipeline rgb = Pipeline.none(new int[] {3, 28, 28}, Normalization.CIFAR10);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new BatchLoader(data, sampler, rgb, BatchLoader.Options.defaults(1), 0, 0, 1));
        assertTrue(e.getMessage().contains("[3, 28, 28]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new BatchLoader.Options(0, 1, 1, 1));
    }

    @Test
    void evalBatchesCoverTheDataInOrderUnaugmented() {
        Samples small = data.head(45);
        EvalBatches eval = new EvalBatches(small, Normalization.FASHION_MNIST, 20);
        assertEquals(3, eval.numBatches());
        int seen = 0;
        for (EvalBatches.Batch b : eval) {
            assertEquals(seen, b.start());
            for (int i = 0; i < b.size(); i++) {
                assertEquals(small.labels()[seen + i], b.labels()[i]);
                for (int k = 0; k < 784; k += 29) {
                    assertEquals((small.values()[(seen + i) * 784 + k] - FashionMnist.MEAN) / FashionMnist.STD,
                            b.x()[i * 784 + k], 1e-5f);
                }
            }
            seen += b.size();
        }
        assertEquals(45, seen);
    }
}
