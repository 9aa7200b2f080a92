package org.contrastive4j.models.blocks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;

/** Square 2-D max pooling (floor mode, padding with -inf), with its settings readable by the exporter. */
public final class MaxPool2dBlock extends UnaryBlock {

    private final int kernel;
    private final int stride;
    private final int padding;

    public MaxPool2dBlock(int kernel, int stride, int padding) {
        if (kernel <= 0 || stride <= 0 || padding < 0 || padding > kernel / 2) {
            throw new IllegalArgumentException("max-pool needs kernel > 0, stride > 0, 0 <= padding <= kernel/2; got kernel "
                    + kernel + ", stride " + stride + ", padding " + padding);
        }
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
    }

    public int kernel() {
        return kernel;
    }

    public int stride() {
        return stride;
    }

    public int padding() {
        return padding;
    }

    @Override
    protected NDArray apply(NDArray x) {
        return Pool.maxPool2d(x, new Shape(kernel, kernel), new Shape(stride, stride), new Shape(padding, padding), false);
    }

    @Override
    protected Shape outputShape(Shape in) {
        return new Shape(in.get(0), in.get(1), out(in.get(2)), out(in.get(3)));
    }

    private long out(long size) {
        return (size + 2L * padding - kernel) / stride + 1;
    }

    @Override
    public String toString() {
        return "MaxPool2dBlock(kernel=" + kernel + ", stride=" + stride + ", padding=" + padding + ")";
    }
}
