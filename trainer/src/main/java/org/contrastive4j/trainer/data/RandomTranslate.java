package org.contrastive4j.trainer.data;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Shifts the image by a uniform integer offset in {@code [-maxPixels, maxPixels]} on each axis, filling the
 * uncovered border with {@code fill} (0 = the black background of MNIST-like data). Meant for small grayscale
 * images, where random crops of a few pixels would otherwise cut off the object.
 */
public record RandomTranslate(int maxPixels, float fill) implements Augmentation {

    public RandomTranslate {
        if (maxPixels < 0) {
            throw new IllegalArgumentException("translation must be >= 0 pixels, got " + maxPixels);
        }
    }

    public RandomTranslate(int maxPixels) {
        this(maxPixels, 0f);
    }

    @Override
    public void apply(ImageBuffer img, SplittableRandom rng) {
        int dy = rng.nextInt(2 * maxPixels + 1) - maxPixels;
        int dx = rng.nextInt(2 * maxPixels + 1) - maxPixels;
        if (dx == 0 && dy == 0) {
            return;
        }
        int h = img.height();
        int w = img.width();
        float[] src = img.data();
        float[] dst = img.scratch();
        Arrays.fill(dst, 0, img.length(), fill);
        int width = w - Math.abs(dx);
        if (width > 0 && Math.abs(dy) < h) {
            int srcX = Math.max(0, -dx);
            int dstX = Math.max(0, dx);
            for (int c = 0; c < img.channels(); c++) {
                for (int y = Math.max(0, dy); y < Math.min(h, h + dy); y++) {
                    System.arraycopy(src, (c * h + y - dy) * w + srcX, dst, (c * h + y) * w + dstX, width);
                }
            }
        }
        img.swap(h, w);
    }
}
