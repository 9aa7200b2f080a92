package org.contrastive4j.losses;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/**
 * DySTreSS: a temperature per pair that grows with the pair's cosine similarity,
 * {@code τ(s) = τ_min + (τ_max − τ_min)·sin²(πs/2)}, computed as {@code τ_min + ½(τ_max − τ_min)(1 − cos πs)}.
 * τ is a constant for autograd (stop-gradient), as in the paper and the golden file.
 */
public record DystressTemperature(double tauMin, double tauMax) implements Temperature {

    public DystressTemperature {
        if (!(tauMin > 0) || Double.isInfinite(tauMin)) {
            throw new IllegalArgumentException("tau-min must be a positive finite number, got " + tauMin);
        }
        if (!(tauMax >= tauMin) || Double.isInfinite(tauMax)) {
            throw new IllegalArgumentException("tau-max must be finite and >= tau-min (" + tauMin + "), got " + tauMax);
        }
    }

    @Override
    public String name() {
        return "dystress";
    }

    @Override
    public Map<String, Object> params() {
        return Map.of("tau-min", tauMin, "tau-max", tauMax);
    }

    @Override
    public NDArray logits(NDArray similarities) {
        double half = 0.5 * (tauMax - tauMin);
        // Number operands are safe here: τ is detached, so autograd saves none of them (see LossOps.constant).
        NDArray tau = similarities.stopGradient().mul(Math.PI).cos().mul(-half).add(tauMin + half);
        return similarities.div(tau);
    }
}
