package org.contrastive4j.losses;

import ai.djl.ndarray.NDArray;

/**
 * A loss over logits s_ab/τ_ab (NT-Xent, SupCon, SINCERE): the {@link Temperature} strategy turns rows or
 * similarities into logits, and the subclass only says what it does with the logits. This is what makes a fixed
 * temperature and DySTreSS interchangeable in all three.
 */
abstract class TemperatureScaledLoss extends AbstractContrastiveLoss {

    protected final Temperature temperature;

    TemperatureScaledLoss(Temperature temperature, boolean normalize) {
        super(normalize);
        if (temperature == null) {
            throw new IllegalArgumentException("temperature strategy is null");
        }
        this.temperature = temperature;
    }

    public Temperature temperature() {
        return temperature;
    }

    @Override
    protected final NDArray lossOfRows(NDArray z, NDArray labels, int views) {
        return fromLogits(temperature.pairLogits(z), labels, views);
    }

    @Override
    protected final NDArray lossOfSimilarities(NDArray s, NDArray labels, int views, long dim) {
        return fromLogits(temperature.logits(s), labels, views);
    }

    /** The loss from the [M, M] logit matrix (the diagonal is never used). */
    protected abstract NDArray fromLogits(NDArray logits, NDArray labels, int views);
}
