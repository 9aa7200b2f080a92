package org.contrastive4j.core.image;

/**
 * A decoded image: 1 (gray) or 3 (RGB) channels, {@code [C, H, W]} floats in [0, 1], row-major.
 *
 * @param channels 1 or 3
 * @param height rows
 * @param width columns
 * @param pixels {@code channels * height * width} values
 */
public record DecodedImage(int channels, int height, int width, float[] pixels) {

    public DecodedImage {
        if ((channels != 1 && channels != 3) || height < 1 || width < 1
                || (long) channels * height * width != pixels.length) {
            throw new IllegalArgumentException("inconsistent image: " + channels + " x " + height + " x " + width + " with "
                    + pixels.length + " values");
        }
    }
}
