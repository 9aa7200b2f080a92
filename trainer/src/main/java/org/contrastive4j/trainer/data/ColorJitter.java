package org.contrastive4j.trainer.data;

import java.util.SplittableRandom;
import org.contrastive4j.core.image.ImageOps;

/**
 * With probability {@code p}, changes brightness, contrast, saturation and hue in a random order (as torchvision's
 * ColorJitter does), clamping to [0, 1] after each.
 *
 * <ul>
 *   <li>brightness: {@code x * f}, {@code f ~ U[max(0, 1-b), 1+b]};</li>
 *   <li>contrast: blend with the image's mean luma, {@code f ~ U[max(0, 1-c), 1+c]};</li>
 *   <li>saturation (RGB only): blend with each pixel's luma, {@code f ~ U[max(0, 1-s), 1+s]};</li>
 *   <li>hue (RGB only, "lite"): rotates colours about the gray axis by {@code 2*pi*u}, {@code u ~ U[-hue, hue]},
 *       a linear stand-in for torchvision's HSV hue shift that needs no per-pixel colour-space conversion.</li>
 * </ul>
 */
public record ColorJitter(double brightness, double contrast, double saturation, double hue, double p)
        implements Augmentation {

    private static final float SQRT3_INV = (float) (1 / Math.sqrt(3));

    public ColorJitter {
        if (brightness < 0 || contrast < 0 || saturation < 0 || !(hue >= 0 && hue <= 0.5)) {
            throw new IllegalArgumentException("colour jitter needs brightness, contrast, saturation >= 0 and hue in "
                    + "[0, 0.5], got " + brightness + ", " + contrast + ", " + saturation + ", " + hue);
        }
        Augmentation.checkProbability(p);
    }

    @Override
    public void apply(ImageBuffer img, SplittableRandom rng) {
        if (rng.nextDouble() >= p) {
            return;
        }
        float fb = (float) Augmentation.uniform(rng, Math.max(0, 1 - brightness), 1 + brightness);
        float fc = (float) Augmentation.uniform(rng, Math.max(0, 1 - contrast), 1 + contrast);
        float fs = (float) Augmentation.uniform(rng, Math.max(0, 1 - saturation), 1 + saturation);
        double h = Augmentation.uniform(rng, -hue, hue);
        int[] order = {0, 1, 2, 3};
        for (int i = 3; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        for (int op : order) {
            switch (op) {
                case 0 -> {
                    if (brightness > 0) {
                        brightness(img, fb);
                    }
                }
                case 1 -> {
                    if (contrast > 0) {
                        contrast(img, fc);
                    }
                }
                case 2 -> {
                    if (saturation > 0 && img.channels() == 3) {
                        saturation(img, fs);
                    }
                }
                default -> {
                    if (hue > 0 && img.channels() == 3) {
                        hue(img, h);
                    }
                }
            }
        }
    }

    static void brightness(ImageBuffer img, float f) {
        float[] x = img.data();
        int n = img.length();
        for (int i = 0; i < n; i++) {
            float v = x[i] * f;
            x[i] = v > 1f ? 1f : v;
        }
    }

    static void contrast(ImageBuffer img, float f) {
        float[] x = img.data();
        int plane = img.plane();
        double sum = 0;
        if (img.channels() == 3) {
            for (int i = 0; i < plane; i++) {
                sum += ImageOps.LUMA_R * x[i] + ImageOps.LUMA_G * x[plane + i] + ImageOps.LUMA_B * x[2 * plane + i];
            }
        } else {
            for (int i = 0; i < img.length(); i++) {
                sum += x[i];
            }
            sum /= img.channels();
        }
        float mean = (float) (sum / plane);
        float offset = mean * (1 - f);
        int n = img.length();
        for (int i = 0; i < n; i++) {
            float v = x[i] * f + offset;
            x[i] = v < 0f ? 0f : (v > 1f ? 1f : v);
        }
    }

    static void saturation(ImageBuffer img, float f) {
        float[] x = img.data();
        int plane = img.plane();
        float keep = 1 - f;
        for (int i = 0; i < plane; i++) {
            float r = x[i];
            float g = x[plane + i];
            float b = x[2 * plane + i];
            float gray = keep * (ImageOps.LUMA_R * r + ImageOps.LUMA_G * g + ImageOps.LUMA_B * b);
            x[i] = clamp(r * f + gray);
            x[plane + i] = clamp(g * f + gray);
            x[2 * plane + i] = clamp(b * f + gray);
        }
    }

    /** Rotation by {@code 2*pi*u} about the (1,1,1) axis (Rodrigues' formula), which keeps gray pixels gray. */
    static void hue(ImageBuffer img, double u) {
        double a = 2 * Math.PI * u;
        float cos = (float) Math.cos(a);
        float sin = (float) Math.sin(a);
        float k = (1 - cos) / 3f;
        float s = sin * SQRT3_INV;
        float m00 = cos + k;
        float m01 = k - s;
        float m02 = k + s;
        float m10 = k + s;
        float m11 = cos + k;
        float m12 = k - s;
        float m20 = k - s;
        float m21 = k + s;
        float m22 = cos + k;
        float[] x = img.data();
        int plane = img.plane();
        for (int i = 0; i < plane; i++) {
            float r = x[i];
            float g = x[plane + i];
            float b = x[2 * plane + i];
            x[i] = clamp(m00 * r + m01 * g + m02 * b);
            x[plane + i] = clamp(m10 * r + m11 * g + m12 * b);
            x[2 * plane + i] = clamp(m20 * r + m21 * g + m22 * b);
        }
    }

    private static float clamp(float v) {
        return v < 0f ? 0f : (v > 1f ? 1f : v);
    }
}
