package org.contrastive4j.models.blocks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** Row-wise L2 normalisation of [N, D]: x / max(||x||, epsilon), DJL's (and torch's F.normalize) semantics. */
public final class L2NormalizeBlock extends UnaryBlock {

    private final float epsilon;

    public L2NormalizeBlock(float epsilon) {
        if (!(epsilon > 0)) {
            throw new IllegalArgumentException("L2 normalisation epsilon must be positive, got " + epsilon);
        }
        this.epsilon = epsilon;
    }

    public float epsilon() {
        return epsilon;
    }

    @Override
    protected NDArray apply(NDArray x) {
        return x.normalize(2, 1, epsilon);
    }

    @Override
    protected Shape outputShape(Shape input) {
        return input;
    }

    @Override
    public String toString() {
        return "L2NormalizeBlock(epsilon=" + epsilon + ")";
    }
}
