package org.contrastive4j.trainer;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import org.contrastive4j.core.data.Shapes;
import org.contrastive4j.losses.ContrastiveLoss;
import org.contrastive4j.trainer.optim.GradientClipping;
import org.contrastive4j.trainer.optim.Optimizer;

/**
 * An optimizer step whose contrastive loss sees the whole (global) batch although the encoder never forwards more
 * than one shard at a time with a graph (GradCache, Gao et al. 2021):
 * <ol>
 *   <li>pass 1: every shard is forwarded without a graph, in training mode, on its replica's device; the projections
 *       are gathered on the first device;</li>
 *   <li>the gathered projections become a leaf; the loss over the global batch and its gradient with respect to them
 *       are computed there;</li>
 *   <li>pass 2: every shard is forwarded again, with a graph, and {@code sum(projection · cached gradient)} is
 *       back-propagated, which gives each replica's parameters exactly their share of dLoss/dθ;</li>
 *   <li>the replicas' gradients are summed into the master (device 0), clipped, applied by our {@link Optimizer}, and
 *       the replicas are refreshed from the master.</li>
 * </ol>
 * DJL's own multi-device training splits the loss per device, so each device would only see its shard's negatives.
 *
 * <p>The same code runs N chunks on one device (memory bounded by one shard's activations) and several devices; only
 * the cross-device copies differ. Shards run one after another from this thread: DJL allows a single open
 * {@link GradientCollector} per process, so the devices' passes are serialised (CUDA's asynchronous launches still
 * overlap some of the work). BatchNorm statistics: see {@link RunningStats}. Models with dropout are not supported
 * bit-exactly (pass 2 would draw different masks than pass 1); the built-in encoders have none.
 */
public final class GradCacheStep implements Step {

    private final Block block;
    private final ContrastiveLoss loss;
    private final Optimizer optimizer;
    private final NDManager manager;
    private final Device primary;
    private final Replicas replicas;
    private final int shardCount;
    private final double clipGradNorm;
    private final List<Optimizer.Param> params = new ArrayList<>();

    /**
     * @param devices one parameter replica per entry (the first holds the master weights and computes the loss); an
     *     entry may repeat a device
     * @param chunks shards per batch; at least one per device ({@code max(chunks, devices.size())} are used)
     */
    public GradCacheStep(Block block, ContrastiveLoss loss, Optimizer optimizer, NDManager manager, List<Device> devices,
            double clipGradNorm, int chunks) {
        if (devices.isEmpty()) {
            throw new IllegalArgumentException("no device to train on");
        }
        this.block = block;
        this.loss = loss;
        this.optimizer = optimizer;
        this.manager = manager;
        this.primary = devices.get(0);
        this.clipGradNorm = clipGradNorm;
        this.shardCount = Math.max(chunks, devices.size());
        params.addAll(Step.trainableParams(block));
        this.replicas = new Replicas(block, manager, devices);
    }

    /** Shards per batch. */
    public int shards() {
        return shardCount;
    }

    @Override
    public double run(float[] x, int[] labels, int views, int[] sampleShape, float lr) {
        int rows = labels == null ? rowsOf(x, sampleShape) : views * labels.length;
        int len = sampleLength(sampleShape);
        if ((long) rows * len != x.length) {
            throw new IllegalArgumentException("batch has " + x.length + " values, expected " + rows + " rows of " + len);
        }
        List<Shards.Shard> shards = Shards.plan(rows, shardCount, replicas.size());
        try (NDManager scope = manager.newSubManager(primary);
                RunningStats stats = new RunningStats(replicas, scope)) {
            NDArray cachedGrad;
            double value;
            try {
                NDArray z = gatherProjections(scope, shards, x, len, sampleShape, stats);
                z.setRequiresGradient(true);
                NDArray y = labels == null ? null : scope.create(labels);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray l = loss.compute(z, y, views);
                    gc.backward(l);
                    value = l.getFloat();
                }
                cachedGrad = z.getGradient();
                cachedGrad.attach(scope);
            } finally {
                stats.resetAll();
            }
            if (!Double.isFinite(value)) {
                throw new IllegalStateException("the loss became " + value + "; lower --lr or set --clip-grad-norm "
                        + "(the last checkpoint is intact)");
            }
            try {
                for (Shards.Shard s : shards) {
                    backpropagateShard(scope, s, x, len, sampleShape, cachedGrad, stats, (double) s.rows() / rows);
                }
                replicas.reduceGradients();
                stats.commit();
                if (clipGradNorm > 0) {
                    GradientClipping.clip(params, clipGradNorm, scope);
                }
                optimizer.step(params, lr);
            } catch (RuntimeException e) {
                // Leave no half-accumulated gradient or diverged replica behind the failure.
                try {
                    stats.resetAll();
                    zeroMasterGradients();
                    replicas.syncFromMaster();
                } catch (RuntimeException cleanup) {
                    e.addSuppressed(cleanup);
                }
                throw e;
            }
            zeroMasterGradients();
            replicas.syncFromMaster();
            return value;
        }
    }

    /** Pass 1: every shard's projections without a graph, concatenated in row order on the primary device. */
    private NDArray gatherProjections(NDManager scope, List<Shards.Shard> shards, float[] x, int len, int[] sampleShape,
            RunningStats stats) {
        NDList parts = new NDList(shards.size());
        for (Shards.Shard s : shards) {
            Device device = replicas.device(s.replica());
            try (NDManager shardScope = scope.newSubManager(device)) {
                stats.reset(s.replica());
                replicas.use(s.replica());
                NDArray projection = block.forward(replicas, new NDList(input(shardScope, x, s, len, sampleShape)), true)
                        .get(1);
                NDArray onPrimary = projection.toDevice(primary, false);
                onPrimary.attach(scope);
                parts.add(onPrimary);
            }
        }
        NDArray z = parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts);
        z.attach(scope);
        return z;
    }

    /** Pass 2 for one shard: forward with a graph, back-propagate its slice of dLoss/dprojections, keep its BN stats. */
    private void backpropagateShard(NDManager scope, Shards.Shard s, float[] x, int len, int[] sampleShape,
            NDArray cachedGrad, RunningStats stats, double weight) {
        Device device = replicas.device(s.replica());
        try (NDManager shardScope = scope.newSubManager(device)) {
            NDArray slice = cachedGrad.get(s.from() + ":" + s.to());
            slice.attach(shardScope);
            NDArray g = slice.toDevice(device, false);
            g.attach(shardScope);
            NDArray in = input(shardScope, x, s, len, sampleShape);
            stats.reset(s.replica());
            replicas.use(s.replica());
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray projection = block.forward(replicas, new NDList(in), true).get(1);
                gc.backward(projection.mul(g).sum());
            }
            stats.accumulate(s.replica(), weight);
        }
    }

    private static NDArray input(NDManager scope, float[] x, Shards.Shard s, int len, int[] sampleShape) {
        FloatBuffer rows = FloatBuffer.wrap(x, s.from() * len, s.rows() * len).slice();
        return scope.create(rows, new Shape(Shapes.prepend(s.rows(), sampleShape)));
    }

    @Override
    public NDArray project(NDManager scope, float[] x, int rows, int[] sampleShape) {
        NDArray input = scope.create(FloatBuffer.wrap(x), new Shape(Shapes.prepend(rows, sampleShape)));
        replicas.use(0);
        return block.forward(replicas, new NDList(input), false).get(1);
    }

    private void zeroMasterGradients() {
        for (Optimizer.Param p : params) {
            try (NDArray g = p.value().getGradient()) {
                g.muli(0f);
            }
        }
    }

    private static int sampleLength(int[] sampleShape) {
        int len = 1;
        for (int d : sampleShape) {
            len = Math.multiplyExact(len, d);
        }
        return len;
    }

    private static int rowsOf(float[] x, int[] sampleShape) {
        return x.length / sampleLength(sampleShape);
    }

    @Override
    public void close() {
        replicas.close();
    }
}
