package org.contrastive4j.trainer.data;

import java.util.function.IntFunction;

/**
 * Remembers the plans of the two most recent epochs, so concurrent workers asking for batches near an epoch
 * boundary do not recompute the whole epoch for every batch.
 */
final class EpochCache {

    private int epochA = Integer.MIN_VALUE;
    private int[] planA;
    private int epochB = Integer.MIN_VALUE;
    private int[] planB;

    synchronized int[] get(int epoch, IntFunction<int[]> compute) {
        if (epoch == epochA) {
            return planA;
        }
        if (epoch == epochB) {
            return planB;
        }
        int[] plan = compute.apply(epoch);
        epochB = epochA;
        planB = planA;
        epochA = epoch;
        planA = plan;
        return plan;
    }
}
