package org.contrastive4j.inference;

import java.nio.file.Path;
import java.util.Arrays;

/** Per-channel {@code (x - mean) / std} over channel-first samples: the model's preprocessing of raw samples. */
final class Normalizer {

    private final int len;
    private final int plane;
    private final float[] mean;
    private final float[] invStd;

    Normalizer(int[] shape, float[] mean, float[] std) {
        int l = 1;
        for (int d : shape) {
            l *= d;
        }
        this.len = l;
        int channels = mean.length;
        this.plane = l / channels;
        this.mean = mean.clone();
        this.invStd = new float[std.length];
        for (int c = 0; c < std.length; c++) {
            invStd[c] = 1f / std[c];
        }
    }

    /** Checks mean/std against each other and the input shape, naming the model. */
    static void check(Path model, int[] shape, float[] mean, float[] std) {
        if (mean.length != std.length) {
            throw new IllegalArgumentException(model + ": mean has " + mean.length + " values but std has " + std.length);
        }
        for (float s : std) {
            if (!(s > 0) || !Float.isFinite(s)) {
                throw new IllegalArgumentException(model + ": std values must be positive, got " + Arrays.toString(std));
            }
        }
        if (mean.length != 1 && mean.length != shape[0]) {
            throw new IllegalArgumentException(model + ": " + mean.length + " mean/std values for input shape "
                    + Arrays.toString(shape) + " (need 1, or one per channel = " + shape[0] + ")");
        }
    }

    /**
     * Normalises {@code count} samples of {@code x} from index 0 in place. One loop over one array with one index: the
     * shape C2 vectorises on Java 17 (a loop reading and writing two arrays at different offsets it leaves scalar).
     */
    void apply(float[] x, int count) {
        int channels = mean.length;
        for (int s = 0; s < count; s++) {
            for (int c = 0; c < channels; c++) {
                int from = s * len + c * plane;
                scaleShift(x, from, from + plane, mean[c], invStd[c]);
            }
        }
    }

    private static void scaleShift(float[] x, int from, int to, float m, float k) {
        for (int i = from; i < to; i++) {
            x[i] = (x[i] - m) * k;
        }
    }
}
