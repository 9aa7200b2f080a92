package org.contrastive4j.trainer.data;

import java.util.SplittableRandom;
import org.contrastive4j.core.image.ImageOps;

/** With probability {@code p}, replaces an RGB image by its luma in all three channels (1-channel images unchanged). */
public record RandomGrayscale(double p) implements Augmentation {

    public RandomGrayscale {
        Augmentation.checkProbability(p);
    }

    @Override
    public void apply(ImageBuffer img, SplittableRandom rng) {
        if (rng.nextDouble() >= p || img.channels() != 3) {
            return;
        }
        float[] x = img.data();
        int plane = img.plane();
        for (int i = 0; i < plane; i++) {
            float g = ImageOps.LUMA_R * x[i] + ImageOps.LUMA_G * x[plane + i] + ImageOps.LUMA_B * x[2 * plane + i];
            x[i] = g;
            x[plane + i] = g;
            x[2 * plane + i] = g;
        }
    }
}
