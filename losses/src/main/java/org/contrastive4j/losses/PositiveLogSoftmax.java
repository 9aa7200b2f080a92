package org.contrastive4j.losses;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.Shape;

/**
 * SupCon's InfoNCE core: every row is an anchor, its softmax runs over all other rows, and its loss is the mean of
 * −log p over its positives (any mask). NT-Xent, whose positives sit at fixed offsets, gathers them instead.
 */
final class PositiveLogSoftmax {

    private PositiveLogSoftmax() {}

    /**
     * {@code (1/M) Σ_a −(1/|P(a)|) Σ_{p∈P(a)} log softmax_{b≠a}(logits_a)_p}; an anchor without positives adds 0.
     *
     * @param logits [M, M]
     * @param notSelf boolean [M, M], false on the diagonal
     * @param positives boolean [M, M], false on the diagonal
     */
    static NDArray loss(NDArray logits, NDArray notSelf, NDArray positives) {
        // log_softmax is one fused, max-shifted kernel; −∞ on the diagonal removes the anchor from its own softmax.
        NDArray logProb = LossOps.keepOrNegInf(logits, notSelf).logSoftmax(1);
        NDArray zero = logits.getManager().full(new Shape(), 0f, logits.getDataType());
        NDArray positiveSum = NDArrays.where(positives, logProb, zero).sum(new int[] {1});
        return LossOps.meanOverAnchors(positiveSum, positives.sum(new int[] {1})).neg();
    }
}
