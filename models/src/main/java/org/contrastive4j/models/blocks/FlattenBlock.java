package org.contrastive4j.models.blocks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** [N, d1, d2, ...] to [N, d1*d2*...] (ONNX Flatten with axis 1). */
public final class FlattenBlock extends UnaryBlock {

    @Override
    protected NDArray apply(NDArray x) {
        return x.reshape(x.getShape().get(0), -1);
    }

    @Override
    protected Shape outputShape(Shape input) {
        return new Shape(input.get(0), input.size() / Math.max(1, input.get(0)));
    }
}
