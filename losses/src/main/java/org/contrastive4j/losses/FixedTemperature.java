package org.contrastive4j.losses;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/** A constant temperature τ > 0: logits {@code s / τ}. */
public record FixedTemperature(double tau) implements Temperature {

    public FixedTemperature {
        if (!(tau > 0) || Double.isInfinite(tau)) {
            throw new IllegalArgumentException("temperature must be a positive finite number, got " + tau);
        }
    }

    @Override
    public String name() {
        return "fixed";
    }

    @Override
    public Map<String, Object> params() {
        return Map.of("temperature", tau);
    }

    @Override
    public NDArray logits(NDArray similarities) {
        return LossOps.divide(similarities, tau);
    }

    /** Scales the [M, D] rows rather than the [M, M] product: one pass over M·D instead of M². */
    @Override
    public NDArray pairLogits(NDArray z) {
        return LossOps.scale(z, 1.0 / tau).matMul(z.transpose());
    }
}
