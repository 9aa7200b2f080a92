package org.contrastive4j.trainer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** A two-layer encoder for step tests: forward returns (embedding, L2-normalised projection), optionally with BatchNorm. */
final class TinyEncoder extends AbstractBlock {

    static final int IN = 10;

    private final Block backbone;
    private final Block head;

    TinyEncoder(boolean batchNorm) {
        super((byte) 1);
        SequentialBlock b = new SequentialBlock().add(Linear.builder().setUnits(16).build());
        if (batchNorm) {
            b.add(BatchNorm.builder().build());
        }
        b.add(Activation.reluBlock());
        this.backbone = addChildBlock("backbone", b);
        this.head = addChildBlock("head", Linear.builder().setUnits(8).build());
    }

    /** An initialised encoder; same {@code seed} gives the same weights. */
    static TinyEncoder create(NDManager manager, boolean batchNorm, long seed) {
        TinyEncoder e = new TinyEncoder(batchNorm);
        e.initialize(manager, DataType.FLOAT32, new Shape(1, IN));
        SplittableRandom rng = new SplittableRandom(seed);
        for (Pair<String, Parameter> p : e.getParameters()) {
            if (!p.getValue().requiresGradient()) {
                continue; // running mean/var keep their initial 0 / 1
            }
            NDArray a = p.getValue().getArray();
            float[] v = new float[(int) a.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (rng.nextDouble() - 0.5) * 0.8f;
            }
            a.set(v);
        }
        return e;
    }

    /** Every parameter's values (including running statistics), in parameter order. */
    static List<float[]> values(Block block) {
        List<float[]> out = new ArrayList<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            out.add(p.getValue().getArray().toFloatArray());
        }
        return out;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray emb = backbone.forward(ps, inputs, training, params).singletonOrThrow();
        NDArray proj = head.forward(ps, new NDList(emb), training, params).singletonOrThrow();
        NDArray unit = proj.div(proj.norm(new int[] {1}, true).add(1e-12f));
        return new NDList(emb, unit);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        backbone.initialize(manager, dataType, inputShapes);
        head.initialize(manager, dataType, backbone.getOutputShapes(inputShapes));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape emb = backbone.getOutputShapes(inputShapes)[0];
        return new Shape[] {emb, head.getOutputShapes(new Shape[] {emb})[0]};
    }
}
