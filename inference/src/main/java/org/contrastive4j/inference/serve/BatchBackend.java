package org.contrastive4j.inference.serve;

import org.contrastive4j.core.data.Samples;

/** Runs one piece of work over a batch of raw rows: what the batching thread calls, once per work per batch. */
interface BatchBackend {

    /**
     * @param rows raw samples (the model's preprocessing still to be applied), already validated
     * @return one result per row, in order: {@code float[]} for {@link Work.Output}, {@link Classification} for
     *     {@link Work.Classify}
     */
    Object[] run(Work work, Samples rows);
}
