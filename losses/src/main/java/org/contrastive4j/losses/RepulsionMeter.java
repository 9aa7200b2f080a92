package org.contrastive4j.losses;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;

/**
 * How strongly a loss pushes rows of the same class apart on one batch: the intra-class repulsion that SINCERE
 * removes and SupCon has.
 *
 * <h2>What is measured</h2>
 * With z the rows the loss sees (normalised if the loss normalises) and S = z zᵀ, the gradient on a row decomposes as
 * {@code dL/dz_a = Σ_b c_ab z_b} with the pair coefficient {@code c_ab = ∂L/∂s_ab + ∂L/∂s_ba} (taken with DJL autograd
 * through {@link SimilarityLoss#computeFromSimilarities}). The b-term of a gradient step moves z_a by
 * {@code −lr·c_ab·z_b}: {@code c_ab > 0} pushes a away from b, {@code c_ab < 0} pulls it towards b. Over all ordered
 * same-class pairs (a, b), a ≠ b: {@code mean} is the mean of {@code max(0, c_ab)} and {@code fraction} the share of
 * pairs with {@code c_ab > 0}. This is the golden file's {@code pair_coefficient_dL_ds_pa}.
 *
 * <h2>Why not the geometric component of the whole gradient</h2>
 * The component of −g_a along z_b − z_a mixes in the push away from the other classes (whose direction rarely lines up
 * with z_b − z_a) and the radial part of g_a, so it is negative for some same-class pairs under any loss: on random
 * clustered float64 batches (5 classes, N = 64, D = 16, τ = 0.1) about 5% of same-class pairs have a negative
 * component under SINCERE as well as under SupCon. The paper's point is where repulsion comes from — a same-class
 * row sitting in an anchor's denominator — and that is exactly the positive part of c_ab: it is zero by construction
 * for SINCERE (same-class similarities only ever appear as numerators) and positive for SupCon.
 */
public final class RepulsionMeter {

    private RepulsionMeter() {}

    /** Mean repulsion coefficient over same-class pairs, and the share of those pairs that are pushed apart. */
    public record Repulsion(double mean, double fraction) {}

    /**
     * Measures {@code loss} on a batch. Runs its own {@link GradientCollector}, so call it outside any other
     * (e.g. after a training step); it never touches the gradients of {@code embeddings}.
     *
     * @param embeddings [V·N, D] float32/float64, as given to {@link ContrastiveLoss#compute}
     * @param labels [N] class labels (required even for a self-supervised loss: they define the same-class pairs)
     * @throws IllegalArgumentException if the loss has no similarity form or the inputs are invalid
     */
    public static Repulsion measure(ContrastiveLoss loss, NDArray embeddings, NDArray labels, int views) {
        if (!(loss instanceof SimilarityLoss similarityLoss)) {
            throw new IllegalArgumentException("repulsion needs a loss with a similarity form (SimilarityLoss), got "
                    + (loss == null ? "null" : loss.getClass().getName()));
        }
        if (labels == null || labels.getShape().dimension() != 1) {
            throw new IllegalArgumentException("repulsion needs class labels [N], got "
                    + (labels == null ? "null" : "shape " + labels.getShape()));
        }
        if (embeddings == null || embeddings.getShape().dimension() != 2 || views < 1
                || embeddings.getShape().get(0) != labels.size() * views) {
            throw new IllegalArgumentException("repulsion needs embeddings [V*N, D] with V = views = " + views
                    + " and N = " + labels.size() + " labels, got " + (embeddings == null ? "null"
                            : "shape " + embeddings.getShape()));
        }
        boolean normalize = !(loss instanceof AbstractContrastiveLoss a) || a.normalize();
        try (NDManager m = embeddings.getManager().newSubManager()) {
            NDArray x = embeddings.stopGradient();
            x.attach(m);
            labels.tempAttach(m);
            NDArray z = normalize ? LossOps.l2Normalize(x) : x;
            NDArray s = z.matMul(z.transpose());
            s.setRequiresGradient(true);
            NDArray g;
            try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                NDArray l = similarityLoss.computeFromSimilarities(s, loss.supervised() ? labels : null, views,
                        embeddings.getShape().get(1));
                gc.backward(l);
                g = s.getGradient().duplicate();
            }
            NDArray c = g.add(g.transpose()).toType(DataType.FLOAT64, false);
            int rows = Math.toIntExact(s.getShape().get(0));
            NDArray sameClass = LossOps.sameLabelMask(labels, views).logicalAnd(LossOps.notSelfMask(m, rows));
            double pairs = sameClass.sum().toType(DataType.FLOAT64, false).getDouble();
            if (pairs == 0) {
                return new Repulsion(0, 0);
            }
            NDArray pairMask = sameClass.toType(DataType.FLOAT64, false);
            double mean = c.maximum(0).mul(pairMask).sum().getDouble() / pairs;
            double pushed = c.gt(0).logicalAnd(sameClass).sum().toType(DataType.FLOAT64, false).getDouble();
            return new Repulsion(mean, pushed / pairs);
        }
    }
}
