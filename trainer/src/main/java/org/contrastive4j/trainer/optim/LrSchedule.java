package org.contrastive4j.trainer.optim;

/**
 * Linear warm-up from {@code base/warmupSteps} to {@code base} over {@code warmupSteps}, then cosine decay to
 * {@code base·finalFraction} at {@code totalSteps} (or constant when {@code cosine} is false). A pure function of the
 * global step, so a resumed run needs only its step counter.
 */
public record LrSchedule(double base, long warmupSteps, long totalSteps, boolean cosine, double finalFraction) {

    public LrSchedule {
        if (!(base > 0) || Double.isInfinite(base)) {
            throw new IllegalArgumentException("learning rate must be a positive number, got " + base);
        }
        if (warmupSteps < 0 || totalSteps < 1) {
            throw new IllegalArgumentException("schedule needs warm-up >= 0 and total steps >= 1");
        }
    }

    /** Learning rate for the update that follows {@code step} completed updates (0-based). */
    public float at(long step) {
        if (step < warmupSteps) {
            return (float) (base * (step + 1) / warmupSteps);
        }
        if (!cosine) {
            return (float) base;
        }
        long span = Math.max(1, totalSteps - warmupSteps);
        double progress = Math.min(1.0, (double) (step - warmupSteps) / span);
        double floor = base * finalFraction;
        return (float) (floor + (base - floor) * 0.5 * (1 + Math.cos(Math.PI * progress)));
    }
}
