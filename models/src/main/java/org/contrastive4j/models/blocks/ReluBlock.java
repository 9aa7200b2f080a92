package org.contrastive4j.models.blocks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;

/** Elementwise max(x, 0). */
public final class ReluBlock extends UnaryBlock {

    @Override
    protected NDArray apply(NDArray x) {
        return Activation.relu(x);
    }

    @Override
    protected Shape outputShape(Shape input) {
        return input;
    }
}
