package org.contrastive4j.trainer.data;

/**
 * Chooses the samples of each training batch. {@link #batch} is a pure function of the sampler's seed and
 * {@code (epoch, step)}, so any batch can be recomputed on resume and by any thread. Implementations are
 * thread-safe.
 */
public interface BatchSampler {

    int batchSize();

    /** Batches per epoch (the remainder of an epoch that does not fill a batch is dropped). */
    int stepsPerEpoch();

    /** Sample indices of batch {@code step} of {@code epoch}; a fresh array the caller may keep. */
    int[] batch(int epoch, int step);
}
