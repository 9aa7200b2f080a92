package org.contrastive4j.models.blocks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A parameter-free block mapping one array to one array. Subclasses carry their settings as fields (unlike a
 * LambdaBlock) so that the exporter can read them.
 */
public abstract class UnaryBlock extends AbstractBlock {

    protected UnaryBlock() {
        super((byte) 1);
    }

    protected abstract NDArray apply(NDArray x);

    protected abstract Shape outputShape(Shape input);

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(inputs.singletonOrThrow()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {outputShape(inputShapes[0])};
    }
}
