package org.contrastive4j.trainer.data;

import java.util.SplittableRandom;

/** Mirrors the image left-right with probability {@code p}. */
public record HorizontalFlip(double p) implements Augmentation {

    public HorizontalFlip {
        Augmentation.checkProbability(p);
    }

    @Override
    public void apply(ImageBuffer img, SplittableRandom rng) {
        if (rng.nextDouble() >= p) {
            return;
        }
        float[] x = img.data();
        int w = img.width();
        int rows = img.channels() * img.height();
        for (int r = 0; r < rows; r++) {
            for (int i = r * w, j = i + w - 1; i < j; i++, j--) {
                float t = x[i];
                x[i] = x[j];
                x[j] = t;
            }
        }
    }
}
