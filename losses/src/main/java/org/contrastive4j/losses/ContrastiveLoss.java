package org.contrastive4j.losses;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/**
 * A contrastive loss over one batch of V views of N samples.
 *
 * <p>Layout: {@code embeddings} is [V·N, D] float32 or float64, views stacked view-major (row {@code v*N + i} is view
 * v of sample i). {@code labels} is [N] int32/int64 for a {@link #supervised()} loss, else ignored (may be null).
 * The result is a scalar NDArray in the embeddings' dtype and manager, differentiable with DJL autograd; the
 * intermediates are closed before returning. Invalid input throws {@link IllegalArgumentException} naming the
 * problem.
 */
public interface ContrastiveLoss {

    /** Registry name, e.g. {@code sincere}. */
    String name();

    /** Whether {@link #compute} needs class labels. */
    boolean supervised();

    /** Hyper-parameters under their CLI names (e.g. {@code temperature}, {@code normalize}), for provenance. */
    Map<String, Object> params();

    /** The scalar loss of one batch. */
    NDArray compute(NDArray embeddings, NDArray labels, int views);
}
