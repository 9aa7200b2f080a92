package org.contrastive4j.core.image;


/**
 * Pixel operations on channel-first float images ({@code [C, H, W]}, row-major), shared by the readers (resize and
 * channel conversion to a model's input shape) and the training augmentations (crop-and-resize).
 *
 * <p>Resampling is bilinear with half-pixel centres (PyTorch's {@code align_corners=false}, no antialiasing), so a
 * resize to the same size is an exact copy.
 */
public final class ImageOps {

    /** ITU-R BT.601 luma weights, the usual RGB to grayscale conversion (PIL, torchvision). */
    public static final float LUMA_R = 0.299f;
    public static final float LUMA_G = 0.587f;
    public static final float LUMA_B = 0.114f;

    private ImageOps() {}

    /**
     * Resamples the window {@code [y0, y0+ch) x [x0, x0+cw)} (in source pixel units, fractional allowed) of every
     * channel of {@code src} to {@code oh x ow} pixels, written to {@code dst} at {@code dstOff}.
     */
    public static void cropResize(float[] src, int srcOff, int channels, int h, int w,
                                  double y0, double x0, double ch, double cw,
                                  float[] dst, int dstOff, int oh, int ow) {
        if (ch == oh && cw == ow && y0 == Math.rint(y0) && x0 == Math.rint(x0) && y0 >= 0 && x0 >= 0
                && y0 + ch <= h && x0 + cw <= w) {
            // Integer crop at unit scale: a plain copy, no interpolation error at all.
            int iy = (int) y0;
            int ix = (int) x0;
            for (int c = 0; c < channels; c++) {
                for (int y = 0; y < oh; y++) {
                    System.arraycopy(src, srcOff + (c * h + iy + y) * w + ix, dst, dstOff + (c * oh + y) * ow, ow);
                }
            }
            return;
        }
        double sy = ch / oh;
        double sx = cw / ow;
        int[] xLo = new int[ow];
        int[] xHi = new int[ow];
        float[] xFrac = new float[ow];
        for (int x = 0; x < ow; x++) {
            double fx = x0 + (x + 0.5) * sx - 0.5;
            fx = Math.min(Math.max(fx, 0), w - 1);
            int lo = (int) Math.floor(fx);
            xLo[x] = lo;
            xHi[x] = Math.min(lo + 1, w - 1);
            xFrac[x] = (float) (fx - lo);
        }
        for (int y = 0; y < oh; y++) {
            double fy = y0 + (y + 0.5) * sy - 0.5;
            fy = Math.min(Math.max(fy, 0), h - 1);
            int lo = (int) Math.floor(fy);
            int hi = Math.min(lo + 1, h - 1);
            float wy = (float) (fy - lo);
            for (int c = 0; c < channels; c++) {
                int r0 = srcOff + (c * h + lo) * w;
                int r1 = srcOff + (c * h + hi) * w;
                int o = dstOff + (c * oh + y) * ow;
                for (int x = 0; x < ow; x++) {
                    float wx = xFrac[x];
                    float top = src[r0 + xLo[x]] + (src[r0 + xHi[x]] - src[r0 + xLo[x]]) * wx;
                    float bottom = src[r1 + xLo[x]] + (src[r1 + xHi[x]] - src[r1 + xLo[x]]) * wx;
                    dst[o + x] = top + (bottom - top) * wy;
                }
            }
        }
    }

    /** Bilinear resize of one {@code [C, h, w]} image to {@code [C, oh, ow]}. */
    public static float[] resize(float[] src, int channels, int h, int w, int oh, int ow) {
        float[] dst = new float[channels * oh * ow];
        cropResize(src, 0, channels, h, w, 0, 0, h, w, dst, 0, oh, ow);
        return dst;
    }

    /**
     * Converts one image between channel counts: 1 to 3 replicates the plane, 3 to 1 takes the luma, 4 (RGBA) drops
     * alpha first. Writes {@code outChannels * plane} floats to {@code dst} at {@code dstOff}.
     */
    public static void convertChannels(float[] src, int srcOff, int inChannels, int plane,
                                       float[] dst, int dstOff, int outChannels) {
        if (inChannels == outChannels) {
            System.arraycopy(src, srcOff, dst, dstOff, inChannels * plane);
        } else if (inChannels == 1 && outChannels == 3) {
            for (int c = 0; c < 3; c++) {
                System.arraycopy(src, srcOff, dst, dstOff + c * plane, plane);
            }
        } else if (inChannels >= 3 && outChannels == 1) {
            int g = srcOff + plane;
            int b = srcOff + 2 * plane;
            for (int i = 0; i < plane; i++) {
                dst[dstOff + i] = LUMA_R * src[srcOff + i] + LUMA_G * src[g + i] + LUMA_B * src[b + i];
            }
        } else if (inChannels == 4 && outChannels == 3) {
            System.arraycopy(src, srcOff, dst, dstOff, 3 * plane);
        } else {
            throw new IllegalArgumentException("cannot convert images with " + inChannels + " channels to "
                    + outChannels + " (supported: 1, 3, 4 to 1 or 3)");
        }
    }
}
