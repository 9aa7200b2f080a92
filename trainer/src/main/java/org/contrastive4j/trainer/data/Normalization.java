package org.contrastive4j.trainer.data;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.IntStream;
import org.contrastive4j.core.data.CifarBinary;
import org.contrastive4j.core.data.Dataset;
import org.contrastive4j.core.data.FashionMnist;

/**
 * Per-channel input normalisation {@code (x - mean[c]) / std[c]}, the last step of every pipeline and the values
 * recorded in the ONNX metadata ({@code c4j.input_mean}, {@code c4j.input_std}). For images the channel is the first
 * sample dimension; a flat feature vector is one channel.
 */
public record Normalization(float[] mean, float[] std) {

    /** Fashion-MNIST training set, pixels in [0, 1]. */
    public static final Normalization FASHION_MNIST = new Normalization(new float[] {FashionMnist.MEAN},
            new float[] {FashionMnist.STD});
    /** CIFAR-10 training set per-channel pixel statistics (the true per-pixel std, not the often-copied 0.20). */
    public static final Normalization CIFAR10 = new Normalization(new float[] {0.4914f, 0.4822f, 0.4465f},
            new float[] {0.2470f, 0.2435f, 0.2616f});

    public Normalization {
        if (mean.length == 0 || mean.length != std.length) {
            throw new IllegalArgumentException("normalisation needs one mean and one std per channel, got "
                    + mean.length + " means and " + std.length + " stds");
        }
        for (int c = 0; c < std.length; c++) {
            if (!(std[c] > 0) || !Float.isFinite(std[c]) || !Float.isFinite(mean[c])) {
                throw new IllegalArgumentException("channel " + c + ": std must be positive and finite, mean finite (mean "
                        + mean[c] + ", std " + std[c] + ")");
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    public int channels() {
        return mean.length;
    }

    public static Normalization identity(int channels) {
        float[] m = new float[channels];
        float[] s = new float[channels];
        Arrays.fill(s, 1f);
        return new Normalization(m, s);
    }

    /** A named preset: {@code fashion-mnist}, {@code cifar10}, or {@code none} (identity, one channel). */
    public static Normalization preset(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "fashion-mnist", "fashion_mnist", "fashionmnist" -> FASHION_MNIST;
            case "cifar10", "cifar-10" -> CIFAR10;
            case "none", "identity" -> identity(1);
            default -> throw new IllegalArgumentException("unknown normalisation preset '" + name
                    + "' (known: fashion-mnist, cifar10, none)");
        };
    }

    /**
     * The standard statistics when the data is recognisably Fashion-MNIST ([1, 28, 28] with its class names) or
     * CIFAR-10 ([3, 32, 32] with its class names), otherwise estimated from the samples themselves.
     */
    public static Normalization auto(Dataset samples) {
        int[] s = samples.sampleShape();
        if (Arrays.equals(s, new int[] {1, 28, 28}) && samples.classNames().equals(FashionMnist.CLASS_NAMES)) {
            return FASHION_MNIST;
        }
        if (Arrays.equals(s, new int[] {3, 32, 32})
                && samples.classNames().equals(CifarBinary.CIFAR10_CLASS_NAMES)) {
            return CIFAR10;
        }
        return estimate(samples);
    }

    /** Number of channels samples of this shape have: the first dimension for images, 1 for flat vectors. */
    public static int channelsOf(int[] sampleShape) {
        return sampleShape.length >= 2 ? sampleShape[0] : 1;
    }

    /**
     * Per-channel mean and (population) standard deviation over all samples, accumulated in double. A channel with
     * zero variance gets std 1, so constant inputs map to 0 instead of dividing by zero.
     */
    public static Normalization estimate(Dataset samples) {
        int channels = channelsOf(samples.sampleShape());
        int len = samples.sampleLength();
        int plane = len / channels;
        double[] sum = new double[channels];
        double[] sq = new double[channels];
        float[] v = new float[len];
        for (int i = 0; i < samples.size(); i++) {
            samples.read(i, v, 0);
            for (int c = 0; c < channels; c++) {
                int off = c * plane;
                double s = 0;
                double s2 = 0;
                for (int k = 0; k < plane; k++) {
                    double x = v[off + k];
                    s += x;
                    s2 += x * x;
                }
                sum[c] += s;
                sq[c] += s2;
            }
        }
        double count = (double) samples.size() * plane;
        if (count == 0) {
            throw new IllegalArgumentException(samples.source() + ": cannot estimate normalisation from no samples");
        }
        float[] mean = new float[channels];
        float[] std = new float[channels];
        for (int c = 0; c < channels; c++) {
            double m = sum[c] / count;
            double var = Math.max(0, sq[c] / count - m * m);
            mean[c] = (float) m;
            std[c] = var > 1e-12 ? (float) Math.sqrt(var) : 1f;
        }
        return new Normalization(mean, std);
    }

    /**
     * {@link #estimate} over at most {@code maxSamples} evenly spaced samples, read in parallel: for datasets decoded
     * from files, where a pass over every sample would cost as much as an epoch. Deterministic: each of a fixed number
     * of chunks is summed in order and the chunks are added in order, whatever the threads do.
     */
    public static Normalization estimateSampled(Dataset samples, int maxSamples) {
        int n = samples.size();
        int m = Math.min(n, Math.max(1, maxSamples));
        if (m == 0) {
            throw new IllegalArgumentException(samples.source() + ": cannot estimate normalisation from no samples");
        }
        int channels = channelsOf(samples.sampleShape());
        int len = samples.sampleLength();
        int plane = len / channels;
        int chunks = Math.min(m, 64);
        double[][] sums = new double[chunks][2 * channels];
        IntStream.range(0, chunks).parallel().forEach(k -> {
            float[] v = new float[len];
            double[] acc = sums[k];
            for (int j = k * m / chunks; j < (k + 1) * m / chunks; j++) {
                samples.read((int) ((long) j * n / m), v, 0);
                for (int c = 0; c < channels; c++) {
                    for (int p = c * plane; p < (c + 1) * plane; p++) {
                        acc[c] += v[p];
                        acc[channels + c] += (double) v[p] * v[p];
                    }
                }
            }
        });
        double count = (double) m * plane;
        float[] mean = new float[channels];
        float[] std = new float[channels];
        for (int c = 0; c < channels; c++) {
            double s = 0;
            double s2 = 0;
            for (double[] acc : sums) {
                s += acc[c];
                s2 += acc[channels + c];
            }
            double mu = s / count;
            double var = Math.max(0, s2 / count - mu * mu);
            mean[c] = (float) mu;
            std[c] = var > 1e-12 ? (float) Math.sqrt(var) : 1f;
        }
        return new Normalization(mean, std);
    }

    /** Writes {@code (src - mean) / std} for one sample of {@code channels() * plane} values. */
    public void apply(float[] src, int srcOff, float[] dst, int dstOff, int plane) {
        for (int c = 0; c < mean.length; c++) {
            float m = mean[c];
            float inv = 1f / std[c];
            int s = srcOff + c * plane;
            int d = dstOff + c * plane;
            for (int k = 0; k < plane; k++) {
                dst[d + k] = (src[s + k] - m) * inv;
            }
        }
    }

    /** Checks that samples of this shape have as many channels as this normalisation. */
    public void checkCompatible(int[] sampleShape) {
        if (channelsOf(sampleShape) != mean.length) {
            throw new IllegalArgumentException("normalisation has " + mean.length + " channel(s) but samples of shape "
                    + Arrays.toString(sampleShape) + " have " + channelsOf(sampleShape));
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Normalization n && Arrays.equals(mean, n.mean) && Arrays.equals(std, n.std);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "Normalization[mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + "]";
    }
}
