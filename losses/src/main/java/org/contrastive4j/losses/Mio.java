package org.contrastive4j.losses;

import ai.djl.ndarray.NDArray;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * MIO: contrastive learning as binary classification of ordered pairs of rows, two views. The 2N positive pairs
 * (r, r±N) should score high: mean softplus(−s/τ_pos); the 2N(2N−2) other pairs a ≠ b low: mean softplus(s/τ_neg);
 * plus λ·(1/(N·D))·Σ_i ‖z⁰_i − z¹_i‖².
 */
public final class Mio extends AbstractContrastiveLoss {

    private final double tauPos;
    private final double tauNeg;
    private final double lambda;

    public Mio(double tauPos, double tauNeg, double lambda, boolean normalize) {
        super(normalize);
        if (!(tauPos > 0) || !(tauNeg > 0) || Double.isInfinite(tauPos) || Double.isInfinite(tauNeg)) {
            throw new IllegalArgumentException("mio: tau-pos and tau-neg must be positive finite numbers, got "
                    + tauPos + ", " + tauNeg);
        }
        if (!(lambda >= 0) || Double.isInfinite(lambda)) {
            throw new IllegalArgumentException("mio: lambda must be a finite number >= 0, got " + lambda);
        }
        this.tauPos = tauPos;
        this.tauNeg = tauNeg;
        this.lambda = lambda;
    }

    @Override
    public String name() {
        return "mio";
    }

    @Override
    public boolean supervised() {
        return false;
    }

    @Override
    protected int requiredViews() {
        return 2;
    }

    @Override
    protected Map<String, Object> ownParams() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("tau-pos", tauPos);
        p.put("tau-neg", tauNeg);
        p.put("lambda", lambda);
        return p;
    }

    @Override
    protected NDArray lossOfSimilarities(NDArray s, NDArray labels, int views, long dim) {
        int rows = Math.toIntExact(s.getShape().get(0));
        long n = rows / 2;
        NDArray pairDiag = s.reshape(2, n, 2, n).diagonal(0, 1, 3); // [2, 2, N]: s(z^x_i, z^y_i)
        NDArray crossView = pairDiag.get(0, 1).concat(pairDiag.get(1, 0)); // both orders of each positive pair
        NDArray loss = LossOps.softplus(LossOps.divide(crossView, -tauPos)).mean();
        if (n > 1) {
            // Negatives are every pair except a row with itself and with its other view: sum all M² terms and
            // subtract those 2M in O(M), instead of building and applying an [M, M] mask.
            NDArray all = LossOps.softplus(LossOps.divide(s, tauNeg)).sum();
            NDArray self = LossOps.softplus(LossOps.divide(pairDiag.get(0, 0).concat(pairDiag.get(1, 1)), tauNeg)).sum();
            NDArray positives = LossOps.softplus(LossOps.divide(crossView, tauNeg)).sum();
            loss = loss.add(LossOps.scale(all.sub(self).sub(positives), 1.0 / (2.0 * n * (2 * n - 2))));
        }
        if (lambda != 0) {
            // Σ_i ‖z⁰_i − z¹_i‖² = Σ_i (s⁰⁰_ii + s¹¹_ii − s⁰¹_ii − s¹⁰_ii)
            NDArray l2 = pairDiag.get(0, 0).add(pairDiag.get(1, 1)).sum().sub(crossView.sum());
            loss = loss.add(LossOps.scale(l2, lambda / (n * dim)));
        }
        return loss;
    }
}
