package org.contrastive4j.trainer.data;

import java.util.SplittableRandom;

/**
 * One random image transformation on a {@code [C, H, W]} image with values in [0, 1] (before normalisation).
 * Implementations are immutable and thread-safe; all randomness comes from the given generator, so the result is a
 * function of the image and the generator's seed. Operations that need RGB leave 1-channel images unchanged.
 */
public interface Augmentation {

    void apply(ImageBuffer image, SplittableRandom rng);

    /** Output height for an input of the given height (most transforms keep the size). */
    default int outputHeight(int inputHeight) {
        return inputHeight;
    }

    default int outputWidth(int inputWidth) {
        return inputWidth;
    }

    static double uniform(SplittableRandom rng, double lo, double hi) {
        return lo + (hi - lo) * rng.nextDouble();
    }

    static void clamp01(float[] x, int from, int to) {
        for (int i = from; i < to; i++) {
            float v = x[i];
            x[i] = v < 0f ? 0f : (v > 1f ? 1f : v);
        }
    }

    static void checkProbability(double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("probability must be in [0, 1], got " + p);
        }
    }
}
