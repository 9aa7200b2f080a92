package org.contrastive4j.trainer.data;

/**
 * Derives independent 64-bit seeds from tuples such as (seed, epoch, step, position, view), so that every random
 * choice in data preparation depends only on where it happens, never on which thread ran first.
 */
public final class Seeds {

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private Seeds() {}

    /** SplitMix64's finaliser: a bijective avalanche mix of 64 bits. */
    public static long fmix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    public static long mix(long a, long b) {
        return fmix(fmix(a + GOLDEN) + GOLDEN * (b + 1));
    }

    public static long mix(long a, long b, long c) {
        return mix(mix(a, b), c);
    }

    public static long mix(long a, long b, long c, long d) {
        return mix(mix(mix(a, b), c), d);
    }

    public static long mix(long a, long b, long c, long d, long e) {
        return mix(mix(mix(mix(a, b), c), d), e);
    }
}
