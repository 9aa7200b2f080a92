package org.contrastive4j.losses;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/**
 * How similarities become logits: {@code s / τ}, with τ fixed or a function of the pair's similarity. Pluggable into
 * {@link NtXent}, {@link SupCon} and {@link Sincere}.
 */
public interface Temperature {

    /** Name of the schedule ({@code fixed}, {@code dystress}). */
    String name();

    /** Parameters under their CLI names. */
    Map<String, Object> params();

    /** Elementwise logits {@code s / τ(s)} of a similarity array of any shape. */
    NDArray logits(NDArray similarities);

    /**
     * Logits of all pairs of rows {@code z} [M, D] as [M, M]. The default forms {@code z zᵀ} first; a fixed τ folds
     * the division into the matrix product instead.
     */
    default NDArray pairLogits(NDArray z) {
        return logits(z.matMul(z.transpose()));
    }
}
