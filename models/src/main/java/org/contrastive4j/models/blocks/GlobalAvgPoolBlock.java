package org.contrastive4j.models.blocks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** [N, C, H, W] to [N, C] by averaging over H and W (ONNX GlobalAveragePool then Flatten). */
public final class GlobalAvgPoolBlock extends UnaryBlock {

    @Override
    protected NDArray apply(NDArray x) {
        if (x.getShape().dimension() != 4) {
            throw new IllegalArgumentException("GlobalAvgPoolBlock expects [N, C, H, W], got " + x.getShape());
        }
        // PyTorch's DJL engine reduces one axis at a time: merge H and W first
        return x.reshape(x.getShape().get(0), x.getShape().get(1), -1).mean(new int[] {2});
    }

    @Override
    protected Shape outputShape(Shape input) {
        return new Shape(input.get(0), input.get(1));
    }
}
