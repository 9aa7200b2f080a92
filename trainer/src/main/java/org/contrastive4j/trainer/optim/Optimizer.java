package org.contrastive4j.trainer.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.List;

/**
 * An optimizer whose whole state (momentum buffers, Adam moments, step counts) can be saved and restored, so a resumed
 * run continues exactly where it stopped. DJL's built-in optimizers keep that state private, which is why we keep our
 * own.
 */
public interface Optimizer extends AutoCloseable {

    /** A trainable tensor and its name (stable across runs: the DJL parameter path). */
    record Param(String name, NDArray value) {}

    String name();

    /** Applies one update to every parameter from its current gradient, at learning rate {@code lr}. */
    void step(List<Param> params, float lr);

    /** The state, named per parameter, for checkpoints; arrays are copies owned by {@code manager}. */
    NDList saveState(NDManager manager);

    /** Restores state saved by {@link #saveState}; parameter names must match. */
    void loadState(NDList state);

    @Override
    void close();
}
