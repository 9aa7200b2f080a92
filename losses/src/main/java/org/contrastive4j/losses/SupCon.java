package org.contrastive4j.losses;

import ai.djl.ndarray.NDArray;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Supervised contrastive loss (Khosla et al. 2020), L_out with contrast mode "all": every row is an anchor, its
 * positives are all other rows with its label (other views of its sample included), its softmax runs over all other
 * rows, and the loss is scaled by τ/τ_base. An anchor without positives contributes 0 and counts in the mean.
 */
public final class SupCon extends TemperatureScaledLoss {

    private final double baseTemperature;

    /**
     * @param baseTemperature τ_base, or NaN for "same as the temperature" (scale 1); a non-NaN value needs a
     *     {@link FixedTemperature}
     */
    public SupCon(Temperature temperature, double baseTemperature, boolean normalize) {
        super(temperature, normalize);
        if (!Double.isNaN(baseTemperature)) {
            if (!(baseTemperature > 0) || Double.isInfinite(baseTemperature)) {
                throw new IllegalArgumentException("base-temperature must be a positive finite number, got "
                        + baseTemperature);
            }
            if (!(temperature instanceof FixedTemperature)) {
                throw new IllegalArgumentException("base-temperature needs a fixed temperature, not the "
                        + temperature.name() + " schedule");
            }
        }
        this.baseTemperature = baseTemperature;
    }

    /** The usual form: fixed τ, scale τ/τ_base. */
    public SupCon(double temperature, double baseTemperature, boolean normalize) {
        this(new FixedTemperature(temperature), baseTemperature, normalize);
    }

    /** τ/τ_base, the factor in front of the loss. */
    public double scale() {
        return Double.isNaN(baseTemperature) ? 1.0 : ((FixedTemperature) temperature).tau() / baseTemperature;
    }

    @Override
    public String name() {
        return "supcon";
    }

    @Override
    public boolean supervised() {
        return true;
    }

    @Override
    protected Map<String, Object> ownParams() {
        Map<String, Object> p = new LinkedHashMap<>(temperature.params());
        if (temperature instanceof FixedTemperature f) {
            p.put("base-temperature", Double.isNaN(baseTemperature) ? f.tau() : baseTemperature);
        } else {
            p.put("temperature-schedule", temperature.name());
        }
        return p;
    }

    @Override
    protected NDArray fromLogits(NDArray logits, NDArray labels, int views) {
        int rows = Math.toIntExact(logits.getShape().get(0));
        NDArray notSelf = LossOps.notSelfMask(logits.getManager(), rows);
        NDArray positives = LossOps.sameLabelMask(labels, views).logicalAnd(notSelf);
        NDArray loss = PositiveLogSoftmax.loss(logits, notSelf, positives);
        double scale = scale();
        return scale == 1.0 ? loss : LossOps.scale(loss, scale);
    }
}
