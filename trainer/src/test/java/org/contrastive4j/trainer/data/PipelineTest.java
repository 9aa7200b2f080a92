package org.contrastive4j.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.contrastive4j.core.data.FashionMnist;
import org.contrastive4j.core.data.Samples;
import org.junit.jupiter.api.Test;

class PipelineTest {

    @Test
    void grayscalePresetOnRealImagesKeepsShapeAndRange() throws IOException {
        Samples s = FashionMnist.load(FashionMnist.subsetDir(), "test").head(50);
        Pipeline p = Pipeline.preset("auto", s.sampleShape(), Normalization.FASHION_MNIST);
        assertEquals("grayscale-default", p.name());
        assertArrayEquals(new int[] {1, 28, 28}, p.outputShape());
        ImageBuffer work = p.newBuffer();
        float lo = (0 - FashionMnist.MEAN) / FashionMnist.STD;
        float hi = (1 - FashionMnist.MEAN) / FashionMnist.STD;
        float[] out = new float[784];
        int differing = 0;
        for (int i = 0; i < s.size(); i++) {
            p.apply(s.values(), i * 784, out, 0, new SplittableRandom(i), work);
            double diff = 0;
            for (int k = 0; k < 784; k++) {
                assertTrue(out[k] >= lo - 1e-5 && out[k] <= hi + 1e-5, "value " + out[k]);
                diff += Math.abs(out[k] * FashionMnist.STD + FashionMnist.MEAN - s.values()[i * 784 + k]);
            }
            if (diff > 1) {
                differing++;
            }
        }
        assertTrue(differing > 40, "augmentation changes most images: " + differing);
        Pipeline strong = Pipeline.preset("grayscale-strong", s.sampleShape(), Normalization.FASHION_MNIST);
        assertEquals(4, strong.steps().size());
        assertTrue(strong.steps().get(0) instanceof RandomTranslate);
        assertArrayEquals(new int[] {1, 28, 28}, strong.outputShape());
    }

    @Test
    void rgbPresetAndNoneNormalisesExactly() {
        float[] img = AugmentationTest.known(3, 8, 8);
        Pipeline rgb = Pipeline.preset("rgb-default", new int[] {3, 8, 8}, Normalization.CIFAR10);
        assertEquals(4, rgb.steps().size());
        float[] out = new float[192];
        rgb.apply(img, 0, out, 0, new SplittableRandom(1), rgb.newBuffer());
        for (float v : out) {
            assertTrue(Float.isFinite(v));
        }
        Pipeline none = Pipeline.preset("none", new int[] {3, 8, 8}, Normalization.CIFAR10);
        none.apply(img, 0, out, 0, new SplittableRandom(1), none.newBuffer());
        float[] mean = Normalization.CIFAR10.mean();
        float[] std = Normalization.CIFAR10.std();
        for (int c = 0; c < 3; c++) {
            for (int k = 0; k < 64; k++) {
                assertEquals((img[c * 64 + k] - mean[c]) / std[c], out[c * 64 + k], 1e-5f);
            }
        }
    }

    @Test
    void sameGeneratorSeedGivesTheSameView() {
        float[] img = AugmentationTest.known(3, 16, 16);
        Pipeline p = Pipeline.preset("rgb-default", new int[] {3, 16, 16}, Normalization.identity(3));
        float[] a = new float[768];
        float[] b = new float[768];
        float[] c = new float[768];
        p.apply(img, 0, a, 0, new SplittableRandom(42), p.newBuffer());
        p.apply(img, 0, b, 0, new SplittableRandom(42), p.newBuffer());
        p.apply(img, 0, c, 0, new SplittableRandom(43), p.newBuffer());
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c));
    }

    @Test
    void badPresetsAndShapesAreExplained() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> Pipeline.preset("heavy", new int[] {1, 28, 28}, Normalization.FASHION_MNIST));
        assertTrue(unknown.getMessage().contains("grayscale-default"), unknown.getMessage());
        IllegalArgumentException flat = assertThrows(IllegalArgumentException.class,
                () -> Pipeline.preset("rgb-default", new int[] {64}, Normalization.identity(1)));
        assertTrue(flat.getMessage().contains("'none'"), flat.getMessage());
        assertEquals("none", Pipeline.preset("auto", new int[] {64}, Normalization.identity(1)).name());
        IllegalArgumentException channels = assertThrows(IllegalArgumentException.class,
                () -> Pipeline.preset("none", new int[] {3, 4, 4}, Normalization.FASHION_MNIST));
        assertTrue(channels.getMessage().contains("1 channel"), channels.getMessage());
    }

    @Test
    void normalizationEstimateAndPresets() throws IOException {
        Samples s = new Samples("m", new float[] {0, 2, 10, 10, 4, 6, 10, 10}, new int[] {2, 2}, null, List.of());
        Normalization n = Normalization.estimate(s);
        // channel 0 holds 0,2,4,6 (mean 3, std sqrt(5)); channel 1 is constant -> std 1
        assertArrayEquals(new float[] {3f, 10f}, n.mean(), 1e-6f);
        assertArrayEquals(new float[] {(float) Math.sqrt(5), 1f}, n.std(), 1e-6f);
        Normalization fm = Normalization.estimate(FashionMnist.load(FashionMnist.subsetDir(), "train"));
        assertEquals(FashionMnist.MEAN, fm.mean()[0], 0.02);
        assertEquals(FashionMnist.STD, fm.std()[0], 0.02);
        assertEquals(Normalization.CIFAR10, Normalization.preset("cifar10"));
        assertEquals(Normalization.FASHION_MNIST, Normalization.auto(FashionMnist.load(FashionMnist.subsetDir(), "test")));
        assertEquals(n, Normalization.auto(s));
        assertThrows(IllegalArgumentException.class, () -> Normalization.preset("imagenet-ish"));
        assertThrows(IllegalArgumentException.class, () -> new Normalization(new float[] {0}, new float[] {0}));
    }
}
