package org.contrastive4j.trainer.data;

import java.util.SplittableRandom;

/** Adds independent N(0, sigma^2) noise to every value, then clamps to [0, 1]. */
public record GaussianNoise(double sigma) implements Augmentation {

    public GaussianNoise {
        if (!(sigma >= 0) || !Double.isFinite(sigma)) {
            throw new IllegalArgumentException("noise sigma must be >= 0, got " + sigma);
        }
    }

    @Override
    public void apply(ImageBuffer img, SplittableRandom rng) {
        if (sigma == 0) {
            return;
        }
        float[] x = img.data();
        int n = img.length();
        float s = (float) sigma;
        for (int i = 0; i < n; i++) {
            float v = x[i] + s * (float) rng.nextGaussian();
            x[i] = v < 0f ? 0f : (v > 1f ? 1f : v);
        }
    }
}
