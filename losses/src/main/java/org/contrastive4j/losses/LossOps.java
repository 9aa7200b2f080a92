package org.contrastive4j.losses;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * The tensor helpers every loss shares: masks over the rows of a view-major batch, a log-sum-exp that ignores masked
 * entries, a stable softplus, L2 normalisation and the per-anchor mean. All operate on whole batches; none loops over
 * rows or pairs in Java. Results live in the manager of their first array argument.
 */
public final class LossOps {

    /** Norm floor of {@link #l2Normalize}: the golden file's {@code x / max(||x||, 1e-12)}. */
    public static final double NORM_EPS = 1e-12;

    private LossOps() {}

    /** Rows divided by {@code max(||row||_2, 1e-12)} (PyTorch's {@code F.normalize}; zero rows stay zero, no NaN). */
    public static NDArray l2Normalize(NDArray x) {
        return x.normalize(2, 1, NORM_EPS);
    }

    /** Boolean [M, M]: true on the diagonal (a row paired with itself). */
    public static NDArray selfMask(NDManager manager, int rows) {
        NDArray r = manager.arange(rows);
        return r.reshape(rows, 1).eq(r.reshape(1, rows));
    }

    /** Boolean [M, M]: rows a and b are views of the same sample (row r = v*N + i holds sample i). Includes a == b. */
    public static NDArray sameSampleMask(NDManager manager, int rows, int views) {
        NDArray sample = manager.arange(rows).mod(rows / views);
        return sample.reshape(rows, 1).eq(sample.reshape(1, rows));
    }

    /** Label of every row of a view-major batch: {@code labels[r mod N]}, as int64 [M]. */
    public static NDArray rowLabels(NDArray labels, int views) {
        NDArray l = labels.getDataType() == DataType.INT64 ? labels : labels.toType(DataType.INT64, false);
        return views == 1 ? l : l.tile(views);
    }

    /** Boolean [M, M]: rows a and b carry the same label. Includes a == b. */
    public static NDArray sameLabelMask(NDArray labels, int views) {
        NDArray rl = rowLabels(labels, views);
        long m = rl.size();
        return rl.reshape(m, 1).eq(rl.reshape(1, m));
    }

    /**
     * Row-wise log-sum-exp of {@code logits} over the entries where {@code keep} is true, as [M, 1]. Masked entries
     * are set to −∞ <em>before</em> the max-shift, so neither the anchor's own similarity nor any excluded entry can
     * underflow the sum. A row with no kept entry yields 0 (and a zero gradient) instead of −∞: callers must give
     * such rows zero weight. The shift is a constant for autograd (the result does not depend on it).
     */
    public static NDArray maskedLogSumExp(NDArray logits, NDArray keep) {
        NDArray masked = keepOrNegInf(logits, keep);
        NDArray max = masked.max(new int[] {1}, true).stopGradient();
        NDArray anyKept = keep.sum(new int[] {1}, true).gt(0);
        NDArray shift = NDArrays.where(anyKept, max, max.zerosLike());
        NDArray sum = masked.sub(shift).exp().sum(new int[] {1}, true);
        NDArray safeSum = NDArrays.where(anyKept, sum, sum.onesLike());
        return safeSum.log().add(shift);
    }

    /**
     * {@code log(1 + e^x)} without overflow. PyTorch's fused kernel evaluates exactly the stable form the golden file
     * asks for: {@code x} for x &gt; 20 (where {@code log1p(e^−x) < 2.1e-9}, a relative error below 1e-10) and
     * {@code log1p(e^x)} otherwise, so it never overflows; one pass instead of the six of
     * {@code max(x, 0) + log(1 + e^(−|x|))} (DJL has no {@code log1p}). {@code LossOpsTest} checks it against that
     * formula at extreme arguments.
     */
    public static NDArray softplus(NDArray x) {
        return x.getNDArrayInternal().softPlus();
    }

    /**
     * {@code x} where {@code keep} is true, −∞ elsewhere ({@code keep} broadcasts to x's shape). The gradient of the
     * dropped entries is zero.
     */
    public static NDArray keepOrNegInf(NDArray x, NDArray keep) {
        // DJL's where needs the condition in the exact shape of its first value; expanding is a view, not a copy.
        NDArray k = keep.getShape().equals(x.getShape()) ? keep : keep.broadcast(x.getShape());
        return NDArrays.where(k, x, negInf(x));
    }

    /** Boolean [M, M]: false on the diagonal. */
    public static NDArray notSelfMask(NDManager manager, int rows) {
        NDArray r = manager.arange(rows);
        return r.reshape(rows, 1).neq(r.reshape(1, rows));
    }

    /**
     * A 0-d constant in the dtype of {@code like}, whose memory PyTorch owns. Every constant that multiplies or divides
     * an array of the autograd graph must come from here (or {@link #scale} / {@link #divide}), never from an
     * {@code NDArray} method taking a {@code Number} nor from a bare {@code manager.create(double)}: DJL's PyTorch
     * engine builds arrays from Java data with {@code from_blob} over a direct buffer that only the Java
     * {@code NDArray} keeps alive, autograd saves the constant operand of mul/div for backward, and that
     * {@code NDArray} is closed before backward runs (DJL closes its {@code Number} temporaries at once;
     * {@link AbstractContrastiveLoss} closes every intermediate when {@code compute} returns). A GC in between frees
     * memory the graph still reads, and backward silently multiplies by whatever reuses it. A native copy lives as
     * long as the graph does. {@code LossMemorySafetyTest} forces that GC for every loss.
     */
    public static NDArray constant(NDArray like, double value) {
        DataType dt = like.getDataType();
        try (NDArray javaBacked = like.getManager().create(value)) {
            // toType to another dtype copies natively; for float64 it would return the same array, so clone.
            return dt == DataType.FLOAT64 ? javaBacked.duplicate() : javaBacked.toType(dt, false);
        }
    }

    /**
     * {@code x · factor} in x's dtype (a float64 constant would promote a 0-d float32 {@code x} to float64), safe for
     * autograd (see {@link #constant}).
     */
    public static NDArray scale(NDArray x, double factor) {
        return x.mul(constant(x, factor));
    }

    /** {@code x / divisor} in x's dtype, safe for autograd (see {@link #constant}). */
    public static NDArray divide(NDArray x, double divisor) {
        return x.div(constant(x, divisor));
    }

    /** Scalar −∞ of the dtype of {@code like}, for {@code where}. */
    static NDArray negInf(NDArray like) {
        return like.getManager().full(new Shape(), Float.NEGATIVE_INFINITY, like.getDataType());
    }

    /**
     * Mean over all M anchors of {@code rowSums[a] / count[a]}, where an anchor without positives
     * ({@code count[a] = 0}, so {@code rowSums[a] = 0}) contributes 0 and still counts in M.
     */
    public static NDArray meanOverAnchors(NDArray rowSums, NDArray counts) {
        NDArray c = counts.toType(rowSums.getDataType(), false).maximum(1);
        return rowSums.div(c).mean();
    }
}
