package org.contrastive4j.report;

import java.util.Arrays;

/** Small numeric helpers shared by the report classes. */
final class Stats {

    private Stats() {}

    /** Median of the finite values (NaN when there are none); the input is not modified. */
    static double median(double[] values) {
        double[] v = Arrays.stream(values).filter(Double::isFinite).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        int mid = v.length / 2;
        return v.length % 2 == 1 ? v[mid] : 0.5 * (v[mid - 1] + v[mid]);
    }

    static double[] toDouble(float[] values) {
        double[] d = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            d[i] = values[i];
        }
        return d;
    }

    /**
     * Bias-corrected exponential moving average (as TensorBoard's smoothing): early points are not dragged towards
     * zero. Non-finite inputs are passed through without updating the average.
     */
    static double[] ema(double[] y, double alpha) {
        double[] out = new double[y.length];
        double avg = 0;
        double weight = 0;
        for (int i = 0; i < y.length; i++) {
            if (!Double.isFinite(y[i])) {
                out[i] = y[i];
                continue;
            }
            avg = alpha * avg + (1 - alpha) * y[i];
            weight = alpha * weight + (1 - alpha);
            out[i] = avg / weight;
        }
        return out;
    }
}
