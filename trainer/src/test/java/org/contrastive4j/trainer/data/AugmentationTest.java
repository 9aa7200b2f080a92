package org.contrastive4j.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AugmentationTest {

    /** A [c, h, w] image whose value at (c, y, x) is distinct: (c*100 + y*10 + x) / 1000. */
    static float[] known(int c, int h, int w) {
        float[] v = new float[c * h * w];
        for (int k = 0; k < c; k++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    v[(k * h + y) * w + x] = (k * 100 + y * 10 + x) / 1000f;
                }
            }
        }
        return v;
    }

    static ImageBuffer buffer(float[] img, int c, int h, int w) {
        ImageBuffer b = new ImageBuffer(img.length);
        b.load(img, 0, c, h, w);
        return b;
    }

    static float[] current(ImageBuffer b) {
        return Arrays.copyOf(b.data(), b.length());
    }

    @Test
    void flipMirrorsEveryRowOfEveryChannel() {
        ImageBuffer b = buffer(known(2, 2, 3), 2, 2, 3);
        new HorizontalFlip(1.0).apply(b, new SplittableRandom(1));
        assertArrayEquals(new float[] {.002f, .001f, 0f, .012f, .011f, .010f, .102f, .101f, .100f, .112f, .111f, .110f},
                current(b));
        ImageBuffer same = buffer(known(1, 2, 3), 1, 2, 3);
        new HorizontalFlip(0.0).apply(same, new SplittableRandom(1));
        assertArrayEquals(known(1, 2, 3), current(same));
    }

    @Test
    void unitScaleCropAtOutputSizeCopiesTheChosenWindowExactly() {
        float[] img = known(2, 6, 6);
        // scale 1/4 of 36 = 9 pixels, ratio 1 -> always a 3x3 window; output 3x3 -> no interpolation.
        RandomResizedCrop crop = new RandomResizedCrop(0.25, 0.25, 1, 1, 3, 3);
        Set<String> corners = new HashSet<>();
        for (long seed = 0; seed < 40; seed++) {
            RandomResizedCrop.Window win = crop.window(6, 6, new SplittableRandom(seed));
            assertEquals(3, win.height());
            assertEquals(3, win.width());
            ImageBuffer b = buffer(img, 2, 6, 6);
            crop.apply(b, new SplittableRandom(seed));
            assertEquals(3, b.height());
            float[] expected = new float[18];
            for (int c = 0; c < 2; c++) {
                for (int y = 0; y < 3; y++) {
                    for (int x = 0; x < 3; x++) {
                        expected[(c * 3 + y) * 3 + x] = img[(c * 6 + win.top() + y) * 6 + win.left() + x];
                    }
                }
            }
            assertArrayEquals(expected, current(b));
            corners.add(win.top() + "," + win.left());
        }
        assertTrue(corners.size() > 5, "window positions vary: " + corners);
    }

    @Test
    void cropWindowsStayInsideAndRespectScaleAndRatio() {
        RandomResizedCrop crop = new RandomResizedCrop(0.2, 1.0, 3.0 / 4, 4.0 / 3, 32, 32);
        SplittableRandom rng = new SplittableRandom(5);
        for (int i = 0; i < 2000; i++) {
            RandomResizedCrop.Window w = crop.window(32, 32, rng);
            assertTrue(w.top() >= 0 && w.left() >= 0 && w.top() + w.height() <= 32 && w.left() + w.width() <= 32, w.toString());
            double area = w.height() * w.width() / 1024.0;
            // rounding to whole pixels moves area and ratio a little beyond the nominal ranges
            assertTrue(area > 0.15 && area <= 1.0, "area " + area);
            double ratio = (double) w.width() / w.height();
            assertTrue(ratio > 0.6 && ratio < 1.6, "ratio " + ratio);
        }
        ImageBuffer b = buffer(known(3, 32, 32), 3, 32, 32);
        new RandomResizedCrop(0.2, 1.0, 0.75, 1.33, 16, 24).apply(b, new SplittableRandom(2));
        assertEquals(16, b.height());
        assertEquals(24, b.width());
        assertEquals(3 * 16 * 24, b.length());
    }

    @Test
    void fullScaleCropIsIdentity() {
        float[] img = known(1, 5, 5);
        ImageBuffer b = buffer(img, 1, 5, 5);
        new RandomResizedCrop(1.0, 1.0, 1.0, 1.0, 5, 5).apply(b, new SplittableRandom(9));
        assertArrayEquals(img, current(b));
    }

    @Test
    void translateShiftsWithZeroFillAndCoversAllOffsets() {
        float[] img = known(1, 3, 3);
        for (int i = 0; i < img.length; i++) {
            img[i] += 0.5f; // no zeros in the source, so fill is recognisable
        }
        Set<String> offsets = new HashSet<>();
        for (long seed = 0; seed < 60; seed++) {
            ImageBuffer b = buffer(img, 1, 3, 3);
            new RandomTranslate(1).apply(b, new SplittableRandom(seed));
            float[] out = current(b);
            String found = null;
            for (int dy = -1; dy <= 1 && found == null; dy++) {
                for (int dx = -1; dx <= 1 && found == null; dx++) {
                    boolean match = true;
                    for (int y = 0; y < 3; y++) {
                        for (int x = 0; x < 3; x++) {
                            int sy = y - dy;
                            int sx = x - dx;
                            float expect = sy >= 0 && sy < 3 && sx >= 0 && sx < 3 ? img[sy * 3 + sx] : 0f;
                            match &= out[y * 3 + x] == expect;
                        }
                    }
                    if (match) {
                        found = dy + "," + dx;
                    }
                }
            }
            assertNotNull(found, "output is a shifted copy: " + Arrays.toString(out));
            offsets.add(found);
        }
        assertEquals(9, offsets.size());
    }

    @Test
    void noiseStaysInRangeWithRoughlyTheRequestedSpread() {
        float[] img = new float[64 * 64];
        Arrays.fill(img, 0.5f);
        ImageBuffer b = buffer(img, 1, 64, 64);
        new GaussianNoise(0.05).apply(b, new SplittableRandom(3));
        double sum = 0;
        double sq = 0;
        for (float v : current(b)) {
            assertTrue(v >= 0 && v <= 1);
            sum += v - 0.5;
            sq += (v - 0.5) * (v - 0.5);
        }
        double n = img.length;
        assertEquals(0, sum / n, 0.005);
        assertEquals(0.05, Math.sqrt(sq / n), 0.005);
        ImageBuffer edge = buffer(new float[] {0f, 1f, 0f, 1f}, 1, 2, 2);
        new GaussianNoise(0.5).apply(edge, new SplittableRandom(4));
        for (float v : current(edge)) {
            assertTrue(v >= 0 && v <= 1);
        }
    }

    @Test
    void hueRotationByAThirdTurnPermutesChannelsAndKeepsGray() {
        // pixel 0 pure red, pixel 1 gray 0.4
        ImageBuffer b = buffer(new float[] {1f, 0.4f, 0f, 0.4f, 0f, 0.4f}, 3, 1, 2);
        ColorJitter.hue(b, 1.0 / 3);
        float[] out = current(b);
        assertArrayEquals(new float[] {0f, 0.4f, 1f, 0.4f, 0f, 0.4f}, out, 1e-5f);
    }

    @Test
    void saturationZeroGivesLumaAndJitterKeepsRange() {
        ImageBuffer b = buffer(new float[] {1f, 0.2f, 0.5f, 0.6f, 0f, 0.9f}, 3, 1, 2);
        ColorJitter.saturation(b, 0f);
        float l0 = 0.299f * 1f + 0.587f * 0.5f + 0.114f * 0f;
        float l1 = 0.299f * 0.2f + 0.587f * 0.6f + 0.114f * 0.9f;
        assertArrayEquals(new float[] {l0, l1, l0, l1, l0, l1}, current(b), 1e-6f);

        float[] img = known(3, 8, 8);
        ColorJitter jitter = new ColorJitter(0.8, 0.8, 0.8, 0.5, 1.0);
        boolean changed = false;
        for (long seed = 0; seed < 20; seed++) {
            ImageBuffer j = buffer(img, 3, 8, 8);
            jitter.apply(j, new SplittableRandom(seed));
            for (float v : current(j)) {
                assertTrue(v >= 0 && v <= 1, "value " + v);
            }
            changed |= !Arrays.equals(img, current(j));
        }
        assertTrue(changed);
        ImageBuffer skip = buffer(img, 3, 8, 8);
        new ColorJitter(0.8, 0.8, 0.8, 0.5, 0.0).apply(skip, new SplittableRandom(1));
        assertArrayEquals(img, current(skip));
    }

    @Test
    void contrastZeroFlattensToTheMeanAndGrayscaleEqualisesChannels() {
        ImageBuffer g = buffer(new float[] {0.1f, 0.3f, 0.5f, 0.7f}, 1, 2, 2);
        ColorJitter.contrast(g, 0f);
        assertArrayEquals(new float[] {0.4f, 0.4f, 0.4f, 0.4f}, current(g), 1e-6f);
        ImageBuffer rgb = buffer(known(3, 2, 2), 3, 2, 2);
        new RandomGrayscale(1.0).apply(rgb, new SplittableRandom(0));
        float[] o = current(rgb);
        for (int i = 0; i < 4; i++) {
            assertEquals(o[i], o[4 + i]);
            assertEquals(o[i], o[8 + i]);
        }
        assertFalse(Arrays.equals(known(3, 2, 2), o));
    }

    @Test
    void invalidParametersAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new HorizontalFlip(1.5));
        assertThrows(IllegalArgumentException.class, () -> new RandomResizedCrop(0.5, 0.2, 1, 1, 4, 4));
        assertThrows(IllegalArgumentException.class, () -> new RandomResizedCrop(0.2, 1, 1, 1, 0, 4));
        assertThrows(IllegalArgumentException.class, () -> new ColorJitter(0.4, 0.4, 0.4, 0.7, 1));
        assertThrows(IllegalArgumentException.class, () -> new RandomTranslate(-1));
        assertThrows(IllegalArgumentException.class, () -> new GaussianNoise(-0.1));
    }
}
