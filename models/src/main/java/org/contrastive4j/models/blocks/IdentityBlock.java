package org.contrastive4j.models.blocks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** Returns its input; the shortcut of a residual block that keeps its shape. */
public final class IdentityBlock extends UnaryBlock {

    @Override
    protected NDArray apply(NDArray x) {
        return x;
    }

    @Override
    protected Shape outputShape(Shape input) {
        return input;
    }
}
