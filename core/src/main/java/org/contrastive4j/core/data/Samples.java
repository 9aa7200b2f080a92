package org.contrastive4j.core.data;

import java.util.Arrays;
import java.util.List;

/**
 * A set of samples of one shape, stored contiguously as float32 in row-major order, with optional integer labels.
 * Images are stored channel-first ([C, H, W]) with pixel values scaled to [0, 1].
 *
 * @param source where the samples came from (a path or a name), used in messages and provenance
 * @param values all samples, {@code size() * sampleLength()} floats
 * @param sampleShape shape of one sample, e.g. {@code [1, 28, 28]} or {@code [64]}
 * @param labels one label per sample in {@code [0, classNames.size())}, or {@code null} when unlabelled
 * @param classNames class names by label (may be generated, e.g. "0".."9"); empty when unlabelled
 */
public record Samples(String source, float[] values, int[] sampleShape, int[] labels, List<String> classNames)
        implements Dataset {

    public Samples {
        if (sampleShape.length == 0) {
            throw new IllegalArgumentException(source + ": a sample needs at least one dimension");
        }
        int len = Shapes.product(sampleShape);
        if (len <= 0 || values.length % len != 0) {
            throw new IllegalArgumentException(source + ": " + values.length + " values do not divide into samples of shape "
                    + Arrays.toString(sampleShape));
        }
        if (labels != null && labels.length != values.length / len) {
            throw new IllegalArgumentException(source + ": " + labels.length + " labels for " + values.length / len + " samples");
        }
        classNames = List.copyOf(classNames);
    }

    @Override
    public int size() {
        return values.length / sampleLength();
    }

    @Override
    public int sampleLength() {
        return Shapes.product(sampleShape);
    }

    /** The row index: in-memory samples have no file names. */
    @Override
    public String id(int i) {
        return Integer.toString(i);
    }

    @Override
    public void read(int i, float[] dst, int offset) {
        int len = sampleLength();
        System.arraycopy(values, i * len, dst, offset, len);
    }

    /** The samples at the given indices, in that order (a copy). */
    @Override
    public Samples select(int[] indices) {
        int len = sampleLength();
        float[] v = new float[indices.length * len];
        int[] l = labels == null ? null : new int[indices.length];
        for (int k = 0; k < indices.length; k++) {
            System.arraycopy(values, indices[k] * len, v, k * len, len);
            if (l != null) {
                l[k] = labels[indices[k]];
            }
        }
        return new Samples(source, v, sampleShape.clone(), l, classNames);
    }

    @Override
    public Samples head(int n) {
        int m = Math.min(n, size());
        int[] idx = new int[m];
        for (int i = 0; i < m; i++) {
            idx[i] = i;
        }
        return select(idx);
    }
}
