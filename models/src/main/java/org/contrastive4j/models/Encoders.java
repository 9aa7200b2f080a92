package org.contrastive4j.models;

import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import org.contrastive4j.models.blocks.FlattenBlock;
import org.contrastive4j.models.blocks.GlobalAvgPoolBlock;
import org.contrastive4j.models.blocks.IdentityBlock;
import org.contrastive4j.models.blocks.L2NormalizeBlock;
import org.contrastive4j.models.blocks.LaneAlignedConv2d;
import org.contrastive4j.models.blocks.MaxPool2dBlock;
import org.contrastive4j.models.blocks.ReluBlock;
import org.contrastive4j.models.blocks.ResidualBlock;

/** Builds the block tree of each model family from a {@link ModelSpec}, using only blocks the exporter knows. */
public final class Encoders {

    /** DJL's 0.9 (weight of the old running value) equals PyTorch's momentum 0.1. */
    public static final float BN_MOMENTUM = 0.9f;

    private Encoders() {}

    public static EncoderBlock build(ModelSpec spec) {
        Block backbone = switch (spec.family()) {
            case ModelSpec.MLP -> mlp(spec);
            case ModelSpec.SMALL_CNN -> smallCnn(spec);
            case ModelSpec.RESNET18, ModelSpec.RESNET34, ModelSpec.RESNET50 -> resnet(spec);
            default -> throw new IllegalArgumentException("unknown model family '" + spec.family() + "'");
        };
        Block classifier = spec.numClasses() > 0 ? linear(spec.numClasses(), true) : null;
        return new EncoderBlock(spec, backbone, projectionHead(spec), classifier);
    }

    /** Linear-ReLU-...-Linear over projectionDims, then L2 normalisation. */
    static SequentialBlock projectionHead(ModelSpec spec) {
        SequentialBlock head = new SequentialBlock();
        int[] dims = spec.projectionDims();
        for (int i = 0; i < dims.length; i++) {
            head.add(linear(dims[i], true));
            if (i < dims.length - 1) {
                head.add(new ReluBlock());
            }
        }
        return head.add(new L2NormalizeBlock(spec.normEpsilon()));
    }

    static SequentialBlock mlp(ModelSpec spec) {
        SequentialBlock net = new SequentialBlock();
        if (spec.inputShape().length > 1) {
            net.add(new FlattenBlock());
        }
        for (int h : spec.hiddenDims()) {
            net.add(linear(h, false)).add(batchNorm(spec)).add(new ReluBlock());
        }
        return net.add(linear(spec.embeddingDim(), true));
    }

    /** Conv3x3(w)-BN-ReLU-MaxPool2, Conv3x3(2w)-BN-ReLU-MaxPool2, Conv3x3(4w)-BN-ReLU, global average pool. */
    static SequentialBlock smallCnn(ModelSpec spec) {
        int w = spec.width();
        return new SequentialBlock()
                .add(convBnRelu(spec, w, 3, 1))
                .add(new MaxPool2dBlock(2, 2, 0))
                .add(convBnRelu(spec, 2 * w, 3, 1))
                .add(new MaxPool2dBlock(2, 2, 0))
                .add(convBnRelu(spec, 4 * w, 3, 1))
                .add(new GlobalAvgPoolBlock());
    }

    /**
     * ResNet-18/34/50 with torchvision's semantics: stem, four stages (widths w, 2w, 4w, 8w; stride 2 from stage 2, on
     * the first block's 3x3 conv — "ResNet v1.5" for the bottleneck), global average pool. The backbone's children
     * are the stem's blocks (the ImageNet stem: Conv2d, BatchNorm, ReLU, MaxPool; the CIFAR stem: one conv-BN-ReLU
     * SequentialBlock), one {@link ResidualBlock} per residual block in order, then the pool;
     * {@code org.contrastive4j.models.weights.ResNetWeights} maps torchvision's names onto exactly this tree.
     */
    static SequentialBlock resnet(ModelSpec spec) {
        int w = spec.width();
        SequentialBlock net = new SequentialBlock();
        if (ModelSpec.STEM_IMAGENET.equals(spec.stem())) {
            net.add(conv(w, 7, 2, 3)).add(batchNorm(spec)).add(new ReluBlock()).add(new MaxPool2dBlock(3, 2, 1));
        } else {
            net.add(convBnRelu(spec, w, 3, 1));
        }
        boolean bottleneck = ModelSpec.bottleneck(spec.family());
        int expansion = bottleneck ? 4 : 1;
        int[] blocks = ModelSpec.resNetBlocks(spec.family());
        int in = w;
        for (int stage = 0; stage < 4; stage++) {
            int width = w << stage;
            int out = width * expansion;
            for (int b = 0; b < blocks[stage]; b++) {
                int stride = stage > 0 && b == 0 ? 2 : 1;
                boolean project = in != out || stride != 1;
                net.add(bottleneck ? bottleneckBlock(spec, width, out, stride, project)
                        : basicBlock(spec, out, stride, project));
                in = out;
            }
        }
        return net.add(new GlobalAvgPoolBlock());
    }

    /**
     * torchvision's Bottleneck: 1x1 conv to {@code width}, 3x3 conv (carrying the stride), 1x1 conv to {@code out}
     * (4 x width), each followed by BN, ReLU between; shortcut a strided 1x1 conv + BN when the shape changes.
     */
    static ResidualBlock bottleneckBlock(ModelSpec spec, int width, int out, int stride, boolean project) {
        SequentialBlock main = new SequentialBlock()
                .add(conv(width, 1, 1, 0)).add(batchNorm(spec)).add(new ReluBlock())
                .add(conv(width, 3, stride, 1)).add(batchNorm(spec)).add(new ReluBlock())
                .add(conv(out, 1, 1, 0)).add(batchNorm(spec));
        return new ResidualBlock(main, shortcut(spec, out, stride, project));
    }

    static ResidualBlock basicBlock(ModelSpec spec, int channels, int stride, boolean project) {
        SequentialBlock main = new SequentialBlock()
                .add(conv(channels, 3, stride, 1)).add(batchNorm(spec)).add(new ReluBlock())
                .add(conv(channels, 3, 1, 1)).add(batchNorm(spec));
        return new ResidualBlock(main, shortcut(spec, channels, stride, project));
    }

    /** torchvision's downsample (1x1 conv with the block's stride, then BN) when the shape changes, else identity. */
    private static Block shortcut(ModelSpec spec, int channels, int stride, boolean project) {
        return project ? new SequentialBlock().add(conv(channels, 1, stride, 0)).add(batchNorm(spec)) : new IdentityBlock();
    }

    private static SequentialBlock convBnRelu(ModelSpec spec, int channels, int kernel, int pad) {
        return new SequentialBlock().add(conv(channels, kernel, 1, pad)).add(batchNorm(spec)).add(new ReluBlock());
    }

    /** Convolutions feeding a BatchNorm need no bias: BN's beta replaces it. */
    private static Conv2d conv(int channels, int kernel, int stride, int pad) {
        return LaneAlignedConv2d.noBias(channels, kernel, stride, pad);
    }

    private static Linear linear(int units, boolean bias) {
        return Linear.builder().setUnits(units).optBias(bias).build();
    }

    private static BatchNorm batchNorm(ModelSpec spec) {
        return BatchNorm.builder().optEpsilon(spec.bnEpsilon()).optMomentum(BN_MOMENTUM).build();
    }
}
