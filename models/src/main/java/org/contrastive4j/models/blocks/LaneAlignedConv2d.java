package org.contrastive4j.models.blocks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * DJL's {@link Conv2d} without bias, with the same parameters, whose training-mode forward computes with its filters
 * padded by zero filters to a multiple of {@value #LANES}, then drops the padding.
 *
 * <p>Why: the oneDNN inside PyTorch 2.7.1 (DJL's engine) computes wrong input gradients for a convolution whose filter
 * count is not a multiple of its SIMD width (8 floats with AVX2, 16 with AVX-512), for kernels larger than 1x1. Measured
 * on a 2-core AMD EPYC (Zen 5): a 3x3 convolution with 4 to 40 filters gave input gradients off by 40 to 90 % of
 * their size on every call with AVX2 kernels, and off or NaN on some calls with AVX-512 kernels, so narrow encoders
 * trained on garbage or diverged. Filter counts that are multiples of 16 were exact in every case tried, so the padded
 * convolution takes the correct path; the padded filters are zeros that receive no update, and the output is the same.
 * Inference, GPUs and filter counts already aligned run DJL's own forward unchanged. The exporter converts this block
 * as the {@link Conv2d} it is.
 */
public final class LaneAlignedConv2d extends Conv2d {

    /** The widest float SIMD width oneDNN uses on x86 (AVX-512: 16 floats); a multiple of the narrower ones. */
    public static final int LANES = 16;

    private LaneAlignedConv2d(Conv2d.Builder builder) {
        super(builder);
    }

    /** A convolution with {@code filters} square {@code kernel} filters, the given stride and padding, and no bias. */
    public static LaneAlignedConv2d noBias(int filters, int kernel, int stride, int pad) {
        return new LaneAlignedConv2d(Conv2d.builder().setFilters(filters).setKernelShape(new Shape(kernel, kernel))
                .optStride(new Shape(stride, stride)).optPadding(new Shape(pad, pad)).optBias(false));
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        int aligned = (filters + LANES - 1) / LANES * LANES;
        NDArray x = inputs.singletonOrThrow();
        if (!training || aligned == filters || groups != 1 || x.getDevice().isGpu()) {
            return super.forwardInternal(store, inputs, training, params); // oneDNN computes on CPUs only
        }
        NDArray w = store.getValue(weight, x.getDevice(), true);
        Shape ws = w.getShape();
        NDArray paddedW = w.concat(x.getManager().zeros(new Shape(aligned - filters, ws.get(1), ws.get(2), ws.get(3)),
                w.getDataType()), 0);
        // no bias to pad: noBias is the only way to build one
        NDArray y = Conv2d.conv2d(x, paddedW, null, stride, padding, dilation, groups).singletonOrThrow();
        return new NDList(y.get(new NDIndex(":, :{}", filters)));
    }
}
