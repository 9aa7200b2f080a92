package org.contrastive4j.losses;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * SINCERE (Feeney &amp; Hughes 2024): each positive pair (a, p) is a binary choice of p against the rows of other
 * classes only, {@code l_ap = −log(e^{s_ap/τ} / (e^{s_ap/τ} + Σ_{n∈N(a)} e^{s_an/τ}))}; same-class rows never enter a
 * denominator, so the loss never pushes two rows of one class apart. The loss is the mean over anchors of the mean
 * over their positives; an anchor without positives adds 0 and counts; a one-class batch has loss 0.
 *
 * <p>Computed as {@code softplus(lse_{n∈N(a)}(s_an/τ) − s_ap/τ)}: one masked log-sum-exp per anchor, shared by all
 * of its positives.
 */
public final class Sincere extends TemperatureScaledLoss {


    public Sincere(Temperature temperature, boolean normalize) {
        super(temperature, normalize);
    }

    public Sincere(double temperature, boolean normalize) {
        this(new FixedTemperature(temperature), normalize);
    }

    @Override
    public String name() {
        return "sincere";
    }

    @Override
    public boolean supervised() {
        return true;
    }

    @Override
    protected Map<String, Object> ownParams() {
        Map<String, Object> p = new LinkedHashMap<>(temperature.params());
        if (!(temperature instanceof FixedTemperature)) {
            p.put("temperature-schedule", temperature.name());
        }
        return p;
    }

    @Override
    protected NDArray fromLogits(NDArray logits, NDArray labels, int views) {
        DataType dt = logits.getDataType();
        int rows = Math.toIntExact(logits.getShape().get(0));
        NDArray sameLabel = LossOps.sameLabelMask(labels, views);
        NDArray negatives = sameLabel.logicalNot();
        NDArray positives = sameLabel.logicalAnd(LossOps.notSelfMask(logits.getManager(), rows));
        NDArray negativeLse = LossOps.maskedLogSumExp(logits, negatives);
        // Per-anchor weight 1/(M·|P(a)|), and 0 for anchors without negatives (one-class batches), whose placeholder
        // log-sum-exp must not count. |P(a)| = |same label| − 1, |N(a)| = M − |same label|.
        NDArray sameCount = sameLabel.sum(new int[] {1}).toType(dt, false);
        NDArray anchorWeight = sameCount.lt(rows).toType(dt, false).div(sameCount.sub(1).maximum(1).mul(rows));
        NDArray zero = logits.getManager().full(new Shape(), 0f, dt);
        NDArray pairLoss = LossOps.softplus(negativeLse.sub(logits));
        return NDArrays.where(positives, pairLoss, zero).sum(new int[] {1}).mul(anchorWeight).sum();
    }
}
