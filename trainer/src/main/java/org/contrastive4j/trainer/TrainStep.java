package org.contrastive4j.trainer;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import org.contrastive4j.core.data.Shapes;
import org.contrastive4j.losses.ContrastiveLoss;
import org.contrastive4j.trainer.optim.GradientClipping;
import org.contrastive4j.trainer.optim.Optimizer;

/**
 * One optimizer step on one batch: forward in training mode, contrastive loss on the projections, backward, optional
 * clipping, update, zeroed gradients. Every intermediate lives in a per-step manager that is closed at the end, so a long
 * run holds no more native memory than one step needs.
 */
public final class TrainStep implements Step {

    private final Block block;
    private final ContrastiveLoss loss;
    private final Optimizer optimizer;
    private final NDManager manager;
    private final Device device;
    private final ParameterStore ps;
    private final List<Optimizer.Param> params = new ArrayList<>();
    private final double clipGradNorm;

    public TrainStep(Block block, ContrastiveLoss loss, Optimizer optimizer, NDManager manager, Device device, double clipGradNorm) {
        this.block = block;
        this.loss = loss;
        this.optimizer = optimizer;
        this.manager = manager;
        this.device = device;
        this.clipGradNorm = clipGradNorm;
        this.ps = new ParameterStore(manager, false);
        params.addAll(Step.trainableParams(block));
    }

    /**
     * Runs one step on {@code x} (view-major rows, {@code views * labels.length} samples of {@code sampleShape}).
     *
     * @return the loss before the update
     */
    @Override
    public double run(float[] x, int[] labels, int views, int[] sampleShape, float lr) {
        try (NDManager scope = manager.newSubManager(device)) {
            NDArray input = scope.create(FloatBuffer.wrap(x), new Shape(Shapes.prepend((long) views * labels.length, sampleShape)));
            NDArray y = scope.create(labels);
            double value;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDList out = block.forward(ps, new NDList(input), true);
                NDArray l = loss.compute(out.get(1), y, views);
                gc.backward(l);
                value = l.getFloat();
            }
            if (!Double.isFinite(value)) {
                zeroGradients();
                throw new IllegalStateException("the loss became " + value + "; lower --lr or set --clip-grad-norm "
                        + "(the last checkpoint is intact)");
            }
            if (clipGradNorm > 0) {
                GradientClipping.clip(params, clipGradNorm, scope);
            }
            optimizer.step(params, lr);
            zeroGradients();
            return value;
        }
    }

    /** Projections of {@code x} in inference mode (no gradient), as an array owned by {@code scope}. */
    @Override
    public NDArray project(NDManager scope, float[] x, int rows, int[] sampleShape) {
        NDArray input = scope.create(FloatBuffer.wrap(x), new Shape(Shapes.prepend(rows, sampleShape)));
        return block.forward(ps, new NDList(input), false).get(1);
    }

    private void zeroGradients() {
        for (Optimizer.Param p : params) {
            try (NDArray g = p.value().getGradient()) {
                g.muli(0f);
            }
        }
    }
}
