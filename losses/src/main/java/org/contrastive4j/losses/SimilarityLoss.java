package org.contrastive4j.losses;

import ai.djl.ndarray.NDArray;

/**
 * A loss that depends on the rows it sees (after its own normalisation) only through their Gram matrix
 * {@code S = z zᵀ}. Every loss of this library is one; exposing that form lets {@link RepulsionMeter} take
 * {@code dL/dS} and read off how each pair of rows is pushed together or apart.
 */
public interface SimilarityLoss extends ContrastiveLoss {

    /**
     * The loss as a function of {@code similarities} [M, M] = z zᵀ of the rows the loss sees (already normalised when
     * the loss normalises), for the same {@code labels} and {@code views} as {@link #compute}; {@code dim} is D, the
     * width of the rows (MIO's L2 term is a mean over N·D entries).
     */
    NDArray computeFromSimilarities(NDArray similarities, NDArray labels, int views, long dim);
}
