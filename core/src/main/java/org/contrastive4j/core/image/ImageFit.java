package org.contrastive4j.core.image;

import java.util.Arrays;

/**
 * The one policy that turns an image of any size and mode into a model's {@code [C, H, W]} input, used by datasets,
 * {@code embed}/{@code classify}, the server and Spark alike, so that an image gets the same numbers everywhere:
 *
 * <ol>
 *   <li>channels: gray to RGB by replication, RGB to gray by ITU-R 601 luma (alpha was already dropped);</li>
 *   <li>size: scale so that the image covers {@code H x W} (its shorter side, relative to the target's aspect, becomes
 *       the target's), then take the centred {@code H x W} window ("resize shorter side + centre crop", as
 *       torchvision's {@code Resize} + {@code CenterCrop} for evaluation). Downscaling by 2x or more first averages
 *       k x k pixel blocks (a box filter) so that fine detail does not alias; the rest is bilinear with half-pixel
 *       centres. An image already {@code H x W} is copied exactly.</li>
 * </ol>
 * Values stay in [0, 1]; the model's own normalisation (mean/std) is applied later, by whoever runs it.
 */
public final class ImageFit {

    private ImageFit() {}

    /** The image as a {@code channels x height x width} sample, following the policy above. */
    public static float[] toInput(DecodedImage img, int channels, int height, int width) {
        float[] out = new float[Math.multiplyExact(channels, Math.multiplyExact(height, width))];
        toInput(img, channels, height, width, out, 0);
        return out;
    }

    /** As {@link #toInput(DecodedImage, int, int, int)}, writing into {@code dst} at {@code offset}. */
    public static void toInput(DecodedImage img, int channels, int height, int width, float[] dst, int offset) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("images convert to 1 (gray) or 3 (RGB) channels, not " + channels);
        }
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("target size must be positive, got " + height + " x " + width);
        }
        int h = img.height();
        int w = img.width();
        float[] px = img.pixels();
        if (img.channels() != channels) {
            float[] converted = new float[channels * h * w];
            ImageOps.convertChannels(px, 0, img.channels(), h * w, converted, 0, channels);
            px = converted;
        }
        double scale = Math.max((double) height / h, (double) width / w);
        int k = (int) Math.floor(1 / scale);
        if (k >= 2) {
            px = boxDownsample(px, channels, h, w, k);
            h /= k;
            w /= k;
            scale *= k;
        }
        double cropH = Math.min(h, height / scale);
        double cropW = Math.min(w, width / scale);
        double y0 = (h - cropH) / 2;
        double x0 = (w - cropW) / 2;
        ImageOps.cropResize(px, 0, channels, h, w, y0, x0, cropH, cropW, dst, offset, height, width);
    }

    /** Averages k x k blocks (the trailing rows and columns that do not fill a block are dropped). */
    static float[] boxDownsample(float[] src, int channels, int h, int w, int k) {
        int oh = h / k;
        int ow = w / k;
        float[] out = new float[channels * oh * ow];
        float inv = 1f / (k * k);
        float[] row = new float[ow];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < oh; y++) {
                Arrays.fill(row, 0f);
                for (int dy = 0; dy < k; dy++) {
                    int base = (c * h + y * k + dy) * w;
                    for (int x = 0; x < ow; x++) {
                        int s = base + x * k;
                        float sum = 0;
                        for (int dx = 0; dx < k; dx++) {
                            sum += src[s + dx];
                        }
                        row[x] += sum;
                    }
                }
                int o = (c * oh + y) * ow;
                for (int x = 0; x < ow; x++) {
                    out[o + x] = row[x] * inv;
                }
            }
        }
        return out;
    }
}
