package org.contrastive4j.trainer.data;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.stream.IntStream;
import org.contrastive4j.core.data.Dataset;
import org.contrastive4j.core.data.Samples;

/**
 * Un-augmented, normalised batches over a whole data set in order (the last batch may be smaller), for embedding
 * the train and test sets during evaluation. The samples of a batch read from files are decoded in parallel.
 */
public final class EvalBatches implements Iterable<EvalBatches.Batch> {

    /**
     * @param x {@code [size, ...sampleShape]} normalised values
     * @param labels labels of the batch's samples, or {@code null} for unlabelled data
     * @param start index of the first sample in the data set
     */
    public record Batch(float[] x, int[] labels, int start, int size, int[] sampleShape) {}

    private final Dataset data;
    private final Normalization normalization;
    private final int batchSize;

    public EvalBatches(Dataset data, Normalization normalization, int batchSize) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        }
        normalization.checkCompatible(data.sampleShape());
        this.data = data;
        this.normalization = normalization;
        this.batchSize = batchSize;
    }

    public int numBatches() {
        return (data.size() + batchSize - 1) / batchSize;
    }

    @Override
    public Iterator<Batch> iterator() {
        return new Iterator<>() {
            private int start;

            @Override
            public boolean hasNext() {
                return start < data.size();
            }

            @Override
            public Batch next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                int n = Math.min(batchSize, data.size() - start);
                int len = data.sampleLength();
                int plane = len / Normalization.channelsOf(data.sampleShape());
                float[] x = new float[n * len];
                int first = start;
                IntStream rows = IntStream.range(0, n);
                // Samples in memory are copied; files are decoded, which is worth the cores.
                (data instanceof Samples ? rows : rows.parallel()).forEach(i -> {
                    data.read(first + i, x, i * len);
                    normalization.apply(x, i * len, x, i * len, plane);
                });
                int[] labels = null;
                if (data.labelled()) {
                    labels = new int[n];
                    System.arraycopy(data.labels(), start, labels, 0, n);
                }
                Batch b = new Batch(x, labels, start, n, data.sampleShape());
                start += n;
                return b;
            }
        };
    }
}
