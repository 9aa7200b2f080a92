package org.contrastive4j.trainer.data;

import java.util.SplittableRandom;

/**
 * Uniformly shuffled batches: each epoch is a fresh permutation of all samples (seeded by (seed, epoch)), cut into
 * {@code floor(n / batch)} batches; the last partial batch is dropped so every step has the same size.
 */
public final class RandomBatchSampler implements BatchSampler {

    private final int size;
    private final int batchSize;
    private final long seed;
    private final EpochCache cache = new EpochCache();

    public RandomBatchSampler(int size, int batchSize, long seed) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        }
        if (batchSize > size) {
            throw new IllegalArgumentException("batch size " + batchSize + " is larger than the " + size
                    + " training samples; use a batch size of at most " + size);
        }
        this.size = size;
        this.batchSize = batchSize;
        this.seed = seed;
    }

    @Override
    public int batchSize() {
        return batchSize;
    }

    @Override
    public int stepsPerEpoch() {
        return size / batchSize;
    }

    @Override
    public int[] batch(int epoch, int step) {
        if (step < 0 || step >= stepsPerEpoch()) {
            throw new IndexOutOfBoundsException("step " + step + " outside 0.." + (stepsPerEpoch() - 1));
        }
        int[] perm = cache.get(epoch, this::permutation);
        int[] out = new int[batchSize];
        System.arraycopy(perm, step * batchSize, out, 0, batchSize);
        return out;
    }

    private int[] permutation(int epoch) {
        SplittableRandom rng = new SplittableRandom(Seeds.mix(seed, 0x52414E44L, epoch));
        int[] p = new int[size];
        for (int i = 0; i < size; i++) {
            p[i] = i;
        }
        for (int i = size - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
