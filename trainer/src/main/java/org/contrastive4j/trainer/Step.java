package org.contrastive4j.trainer;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import org.contrastive4j.losses.ContrastiveLoss;
import org.contrastive4j.trainer.optim.Optimizer;

/**
 * One optimizer step on one batch, however it is computed: {@link TrainStep} (one forward over the whole batch on one
 * device) or {@link GradCacheStep} (the batch split into shards over one or several devices, loss over the global batch).
 */
public interface Step extends AutoCloseable {

    /**
     * Runs one step on {@code x} (view-major rows, {@code views * labels.length} samples of {@code sampleShape}).
     *
     * @return the loss before the update
     */
    double run(float[] x, int[] labels, int views, int[] sampleShape, float lr);

    /** Projections of {@code x} in inference mode (no gradient), as an array owned by {@code scope}. */
    NDArray project(NDManager scope, float[] x, int rows, int[] sampleShape);

    /**
     * The block's trainable parameters by name, each marked as an autograd leaf: arrays loaded from a checkpoint do not
     * require a gradient yet (only {@code initialize()} marks them).
     */
    static List<Optimizer.Param> trainableParams(Block block) {
        List<Optimizer.Param> params = new ArrayList<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (p.getValue().requiresGradient()) {
                p.getValue().getArray().setRequiresGradient(true);
                params.add(new Optimizer.Param(p.getKey(), p.getValue().getArray()));
            }
        }
        return params;
    }

    /** Frees what the step holds beyond the block itself (parameter replicas); the block stays usable. */
    @Override
    default void close() {}

    /**
     * The step for {@code devices} (the first holds the master weights and computes the loss): a plain {@link TrainStep}
     * for one device without chunking, else a {@link GradCacheStep} with {@code max(chunks, devices.size())} shards.
     */
    static Step create(Block block, ContrastiveLoss loss, Optimizer optimizer, NDManager manager, List<Device> devices,
            double clipGradNorm, int chunks) {
        if (devices.isEmpty()) {
            throw new IllegalArgumentException("no device to train on");
        }
        if (chunks < 0) {
            throw new IllegalArgumentException("grad_cache_chunks must be >= 0 (0 = off), got " + chunks);
        }
        if (devices.size() == 1 && chunks <= 1) {
            return new TrainStep(block, loss, optimizer, manager, devices.get(0), clipGradNorm);
        }
        return new GradCacheStep(block, loss, optimizer, manager, devices, clipGradNorm, chunks);
    }
}
