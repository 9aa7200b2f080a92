package org.contrastive4j.models.blocks;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** relu(main(x) + shortcut(x)): the residual unit of a ResNet basic block. */
public final class ResidualBlock extends AbstractBlock {

    private final Block main;
    private final Block shortcut;

    public ResidualBlock(Block main, Block shortcut) {
        super((byte) 1);
        this.main = addChildBlock("main", main);
        this.shortcut = addChildBlock("shortcut", shortcut);
    }

    public Block main() {
        return main;
    }

    public Block shortcut() {
        return shortcut;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList a = main.forward(ps, inputs, training, params);
        NDList b = shortcut.forward(ps, inputs, training, params);
        return new NDList(Activation.relu(a.singletonOrThrow().add(b.singletonOrThrow())));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        main.initialize(manager, dataType, inputShapes);
        shortcut.initialize(manager, dataType, inputShapes);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape a = main.getOutputShapes(inputShapes)[0];
        Shape b = shortcut.getOutputShapes(inputShapes)[0];
        if (!a.equals(b)) {
            throw new IllegalArgumentException("residual branches disagree: main gives " + a + ", shortcut gives " + b);
        }
        return new Shape[] {a};
    }
}
