package org.contrastive4j.core.data;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * How {@link DataSources#load} reads an input. Immutable; build with {@link #builder()}.
 *
 * @param split {@code train} or {@code test}, for sources holding both (IDX directories, CIFAR)
 * @param labelColumn CSV label column (name, 0-based index, or {@code none}); {@code null} = a column named "label" if any
 * @param sampleShape per-sample shape: CSV/NPY features are reshaped to it (same element count); images
 *                    ({@code [C, H, W]}) are converted/resized to it; {@code null} = as stored
 * @param channels images: 1 or 3 to convert, 0 = as stored (overrides {@code sampleShape[0]})
 * @param height images: resize height, 0 = as stored (overrides {@code sampleShape[1]})
 * @param width images: resize width, 0 = as stored (overrides {@code sampleShape[2]})
 * @param labelsPath NPY: a label vector file; IDX: the labels file when it is not the images file's sibling
 */
public record LoadOptions(String split, String labelColumn, int[] sampleShape, int channels, int height, int width,
                          Path labelsPath) {

    public static final LoadOptions DEFAULTS = builder().build();

    public LoadOptions {
        if (!split.equals("train") && !split.equals("test")) {
            throw new IllegalArgumentException("split must be 'train' or 'test', got '" + split + "'");
        }
        if (channels != 0 && channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1, 3 or 0 (as stored), got " + channels);
        }
        if (height < 0 || width < 0) {
            throw new IllegalArgumentException("height and width must be positive (or 0 = as stored)");
        }
        if (sampleShape != null) {
            sampleShape = sampleShape.clone();
            for (int d : sampleShape) {
                if (d <= 0) {
                    throw new IllegalArgumentException("sample shape " + Arrays.toString(sampleShape)
                            + " has a non-positive dimension");
                }
            }
        }
    }

    @Override
    public int[] sampleShape() {
        return sampleShape == null ? null : sampleShape.clone();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().split(split).labelColumn(labelColumn).sampleShape(sampleShape).channels(channels)
                .height(height).width(width).labelsPath(labelsPath);
    }

    /** The effective image target (channels, height, width), each 0 when unconstrained. */
    int[] imageTarget() {
        int c = channels;
        int h = height;
        int w = width;
        if (sampleShape != null && sampleShape.length == 3) {
            c = c == 0 ? sampleShape[0] : c;
            h = h == 0 ? sampleShape[1] : h;
            w = w == 0 ? sampleShape[2] : w;
        }
        return new int[] {c, h, w};
    }

    public static final class Builder {
        private String split = "train";
        private String labelColumn;
        private int[] sampleShape;
        private int channels;
        private int height;
        private int width;
        private Path labelsPath;

        public Builder split(String v) {
            split = v;
            return this;
        }

        public Builder labelColumn(String v) {
            labelColumn = v;
            return this;
        }

        public Builder sampleShape(int... v) {
            sampleShape = v == null ? null : v.clone();
            return this;
        }

        public Builder channels(int v) {
            channels = v;
            return this;
        }

        public Builder height(int v) {
            height = v;
            return this;
        }

        public Builder width(int v) {
            width = v;
            return this;
        }

        public Builder labelsPath(Path v) {
            labelsPath = v;
            return this;
        }

        public LoadOptions build() {
            return new LoadOptions(split, labelColumn, sampleShape, channels, height, width, labelsPath);
        }
    }
}
