package org.contrastive4j.core.data;

import java.util.List;

/**
 * Random-access labelled samples of one shape, read one at a time: the type every consumer (training batches,
 * evaluation, embedding, classification) works with, so an in-memory {@link Samples} and a dataset decoded from its
 * files on demand are interchangeable. Images are channel-first ({@code [C, H, W]}) with values in [0, 1].
 *
 * <p>Implementations are safe for concurrent {@link #read}s from several threads (the loader threads read in
 * parallel) and never hold more than a bounded amount of decoded data in memory beyond what they were built from.
 */
public interface Dataset {

    /** Where the samples came from (a path or a name), used in messages and provenance. */
    String source();

    int size();

    /** The shape of one sample, e.g. {@code [1, 28, 28]} or {@code [64]}. */
    int[] sampleShape();

    default int sampleLength() {
        int p = 1;
        for (int d : sampleShape()) {
            p = Math.multiplyExact(p, d);
        }
        return p;
    }

    /** One label per sample in {@code [0, classNames().size())}, or {@code null} when unlabelled. Do not modify. */
    int[] labels();

    default boolean labelled() {
        return labels() != null;
    }

    /** Class names by label; empty when unlabelled. */
    List<String> classNames();

    default int numClasses() {
        return classNames().size();
    }

    /**
     * The identifier of sample {@code i} in outputs: the file path relative to the input for files, else the row
     * index.
     */
    String id(int i);

    /**
     * Copies sample {@code i}'s raw values into {@code dst} at {@code offset}.
     *
     * @throws DataException when the sample cannot be read (e.g. an undecodable image), naming it
     */
    void read(int i, float[] dst, int offset);

    /** The samples at {@code indices}, in that order (for a dataset read from files, a view that reads on demand). */
    Dataset select(int[] indices);

    /** The first {@code n} samples (or all, if there are fewer). */
    default Dataset head(int n) {
        int m = Math.min(n, size());
        int[] idx = new int[m];
        for (int i = 0; i < m; i++) {
            idx[i] = i;
        }
        return select(idx);
    }
}
