package org.contrastive4j.core.eval;

/** The max-shifted softmax, written once for the linear probe and the runtime's classifier head. */
public final class Softmax {

    private Softmax() {}

    /**
     * Replaces {@code z} by its softmax, in place, and returns {@code log(sum(exp(z)))} (the log-partition, so a
     * caller can form a log-likelihood without a second pass).
     */
    public static double inPlace(double[] z) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (int j = 0; j < z.length; j++) {
            z[j] = Math.exp(z[j] - max);
            sum += z[j];
        }
        for (int j = 0; j < z.length; j++) {
            z[j] /= sum;
        }
        return Math.log(sum) + max;
    }

    /** The softmax of {@code logits} (a new array). */
    public static float[] of(float[] logits) {
        double[] z = new double[logits.length];
        for (int i = 0; i < z.length; i++) {
            z[i] = logits[i];
        }
        inPlace(z);
        float[] p = new float[z.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) z[i];
        }
        return p;
    }
}
