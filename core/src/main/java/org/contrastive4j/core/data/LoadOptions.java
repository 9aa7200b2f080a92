package org.contrastive4j.core.data;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * How {@link DataSources#open} (and {@link DataSources#load}) read an input. Immutable; build with {@link #builder()}.
 *
 * @param split {@code train} or {@code test}, for sources holding both (IDX directories, CIFAR)
 * @param labelColumn CSV label column (name, 0-based index, or {@code none}); {@code null} = a column named "label" if any
 * @param sampleShape per-sample shape: CSV/NPY features are reshaped to it (same element count); images
 *                    ({@code [C, H, W]}) are converted/resized to it; {@code null} = as stored
 * @param channels images: 1 or 3 to convert, 0 = as stored (overrides {@code sampleShape[0]})
 * @param height images: resize height, 0 = as stored (overrides {@code sampleShape[1]})
 * @param width images: resize width, 0 = as stored (overrides {@code sampleShape[2]})
 * @param labelsPath NPY: a label vector file; IDX: the labels file when it is not the images file's sibling
 * @param skipUnreadable image files: drop files that cannot be decoded (each is decoded once when the dataset is
 *                       opened, and the count is reported) instead of failing on the first, naming it
 * @param cacheBytes image files: the most memory the decoded-sample cache of a dataset may hold (0 = no cache)
 * @param sequential the consumer reads each sample once, in order (embedding, classification): files that would
 *                   otherwise be read into memory whole are streamed where the format allows (CSV/TSV feature rows),
 *                   so memory does not grow with the input
 */
public record LoadOptions(String split, String labelColumn, int[] sampleShape, int channels, int height, int width,
                          Path labelsPath, boolean skipUnreadable, long cacheBytes, boolean sequential) {

    /**
     * The size image files are fitted to when neither the caller (e.g. a model's input shape) nor the options say:
     * 64 x 64, cheap enough to train on a CPU; ImageNet-style models want 224 ({@code --image-size 224}).
     */
    public static final int DEFAULT_IMAGE_SIZE = 64;
    /** The channels image files get when not given: 3 (RGB; gray images are replicated). */
    public static final int DEFAULT_IMAGE_CHANNELS = 3;
    /** The default cache of decoded image samples per dataset: 256 MiB. */
    public static final long DEFAULT_CACHE_BYTES = 256L << 20;

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
        if (cacheBytes < 0) {
            throw new IllegalArgumentException("the image cache size must be >= 0 bytes, got " + cacheBytes);
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

    /**
     * Parses an image size {@code H} (square) or {@code HxW}; empty or {@code null} gives {@code null} (the default).
     *
     * @param name the flag or key, for the message
     */
    public static int[] parseImageSize(String text, String name) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String[] parts = text.trim().toLowerCase(Locale.ROOT).split("x", -1);
        try {
            int h = Integer.parseInt(parts[0].trim());
            int w = parts.length == 2 ? Integer.parseInt(parts[1].trim()) : h;
            if (parts.length > 2 || h < 1 || w < 1 || h > 16384 || w > 16384) {
                throw new NumberFormatException();
            }
            return new int[] {h, w};
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": '" + text + "' is not an image size H or HxW (positive pixels, e.g. 64 or 224x160)");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().split(split).labelColumn(labelColumn).sampleShape(sampleShape).channels(channels)
                .height(height).width(width).labelsPath(labelsPath).skipUnreadable(skipUnreadable).cacheBytes(cacheBytes)
                .sequential(sequential);
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

    /**
     * The {@code [C, H, W]} that image files (folders, manifests, lists) are fitted to: the requested channels and size,
     * else {@link #DEFAULT_IMAGE_CHANNELS} and {@link #DEFAULT_IMAGE_SIZE} (never the size of some image in the set).
     */
    public int[] imageFileShape() {
        int[] t = imageTarget();
        int h = t[1] > 0 ? t[1] : t[2] > 0 ? t[2] : DEFAULT_IMAGE_SIZE;
        int w = t[2] > 0 ? t[2] : h;
        return new int[] {t[0] > 0 ? t[0] : DEFAULT_IMAGE_CHANNELS, h, w};
    }

    public static final class Builder {
        private String split = "train";
        private String labelColumn;
        private int[] sampleShape;
        private int channels;
        private int height;
        private int width;
        private Path labelsPath;
        private boolean skipUnreadable;
        private long cacheBytes = DEFAULT_CACHE_BYTES;
        private boolean sequential;

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

        public Builder skipUnreadable(boolean v) {
            skipUnreadable = v;
            return this;
        }

        public Builder cacheBytes(long v) {
            cacheBytes = v;
            return this;
        }

        public Builder sequential(boolean v) {
            sequential = v;
            return this;
        }

        public LoadOptions build() {
            return new LoadOptions(split, labelColumn, sampleShape, channels, height, width, labelsPath, skipUnreadable,
                    cacheBytes, sequential);
        }
    }
}
