package org.contrastive4j.trainer.data;

/**
 * One training batch of {@code views} augmented views per sample, ready to become a tensor.
 *
 * @param x view-major values {@code [views * batchSize, C, H, W]} flattened and normalised: rows
 *          {@code v * batchSize .. (v+1) * batchSize - 1} are view {@code v} of the batch's samples, in order
 * @param labels {@code [batchSize]} labels of the samples, or {@code null} for unlabelled data
 * @param indices {@code [batchSize]} sample indices in the data set
 * @param sampleShape shape of one view, e.g. {@code [1, 28, 28]}
 */
public record ViewBatch(float[] x, int[] labels, int[] indices, int views, int batchSize, int[] sampleShape,
                        int epoch, int step) {

    /** Number of values in one view of one sample. */
    public int sampleLength() {
        int n = 1;
        for (int d : sampleShape) {
            n *= d;
        }
        return n;
    }

    /** Tensor shape of {@link #x()}: {@code [views * batchSize, ...sampleShape]}. */
    public long[] shape() {
        long[] s = new long[sampleShape.length + 1];
        s[0] = (long) views * batchSize;
        for (int i = 0; i < sampleShape.length; i++) {
            s[i + 1] = sampleShape[i];
        }
        return s;
    }
}
