package org.contrastive4j.trainer.data;

import java.util.SplittableRandom;
import org.contrastive4j.core.image.ImageOps;

/**
 * Crops a random window covering a {@code scale} fraction of the area with aspect ratio (w/h) in {@code ratio}
 * (log-uniform), and resizes it bilinearly to {@code outHeight x outWidth}. Same algorithm as torchvision's
 * RandomResizedCrop: ten attempts, then a centre crop with the ratio clamped into range.
 */
public record RandomResizedCrop(double minScale, double maxScale, double minRatio, double maxRatio, int outHeight,
                                int outWidth) implements Augmentation {

    public RandomResizedCrop {
        if (!(minScale > 0 && minScale <= maxScale && maxScale <= 1)) {
            throw new IllegalArgumentException("crop scale range must satisfy 0 < min <= max <= 1, got [" + minScale
                    + ", " + maxScale + "]");
        }
        if (!(minRatio > 0 && minRatio <= maxRatio)) {
            throw new IllegalArgumentException("crop ratio range must satisfy 0 < min <= max, got [" + minRatio + ", "
                    + maxRatio + "]");
        }
        if (outHeight <= 0 || outWidth <= 0) {
            throw new IllegalArgumentException("crop output size must be positive, got " + outHeight + "x" + outWidth);
        }
    }

    /** Window of the crop: top row, left column, height, width (integers, inside the image). */
    record Window(int top, int left, int height, int width) {}

    Window window(int h, int w, SplittableRandom rng) {
        double area = (double) h * w;
        double logLo = Math.log(minRatio);
        double logHi = Math.log(maxRatio);
        for (int attempt = 0; attempt < 10; attempt++) {
            double target = area * Augmentation.uniform(rng, minScale, maxScale);
            double ratio = Math.exp(Augmentation.uniform(rng, logLo, logHi));
            int cw = (int) Math.round(Math.sqrt(target * ratio));
            int ch = (int) Math.round(Math.sqrt(target / ratio));
            if (cw > 0 && cw <= w && ch > 0 && ch <= h) {
                int top = rng.nextInt(h - ch + 1);
                int left = rng.nextInt(w - cw + 1);
                return new Window(top, left, ch, cw);
            }
        }
        double inRatio = (double) w / h;
        int cw;
        int ch;
        if (inRatio < minRatio) {
            cw = w;
            ch = (int) Math.round(cw / minRatio);
        } else if (inRatio > maxRatio) {
            ch = h;
            cw = (int) Math.round(ch * maxRatio);
        } else {
            cw = w;
            ch = h;
        }
        return new Window((h - ch) / 2, (w - cw) / 2, ch, cw);
    }

    @Override
    public void apply(ImageBuffer img, SplittableRandom rng) {
        Window win = window(img.height(), img.width(), rng);
        img.ensureCapacity(img.channels() * outHeight * outWidth);
        ImageOps.cropResize(img.data(), 0, img.channels(), img.height(), img.width(), win.top(), win.left(),
                win.height(), win.width(), img.scratch(), 0, outHeight, outWidth);
        img.swap(outHeight, outWidth);
    }

    @Override
    public int outputHeight(int inputHeight) {
        return outHeight;
    }

    @Override
    public int outputWidth(int inputWidth) {
        return outWidth;
    }
}
