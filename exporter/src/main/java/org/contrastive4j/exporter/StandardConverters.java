package org.contrastive4j.exporter;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.util.Pair;
import java.util.Arrays;
import java.util.Map;
import org.contrastive4j.exporter.OnnxGraph.Op;
import org.contrastive4j.exporter.OnnxGraph.Value;
import org.contrastive4j.models.blocks.FlattenBlock;
import org.contrastive4j.models.blocks.GlobalAvgPoolBlock;
import org.contrastive4j.models.blocks.IdentityBlock;
import org.contrastive4j.models.blocks.L2NormalizeBlock;
import org.contrastive4j.models.blocks.MaxPool2dBlock;
import org.contrastive4j.models.blocks.ReluBlock;
import org.contrastive4j.models.blocks.ResidualBlock;

/** The converters for the blocks our encoders are made of. */
final class StandardConverters {

    private StandardConverters() {}

    static ConverterRegistry register(ConverterRegistry r) {
        return r.with(SequentialBlock.class, StandardConverters::sequential)
                .with(Conv2d.class, StandardConverters::conv2d)
                .with(Linear.class, StandardConverters::linear)
                .with(BatchNorm.class, StandardConverters::batchNorm)
                .with(ReluBlock.class, (ctx, b, x) -> ctx.graph().apply(Op.RELU, ctx.name("relu"), null, x))
                .with(IdentityBlock.class, (ctx, b, x) -> x)
                .with(FlattenBlock.class, (ctx, b, x) -> flatten(ctx, x))
                .with(GlobalAvgPoolBlock.class, (ctx, b, x) ->
                        flatten(ctx, ctx.graph().apply(Op.GLOBAL_AVERAGE_POOL, ctx.name("gap"), null, x)))
                .with(MaxPool2dBlock.class, StandardConverters::maxPool)
                .with(L2NormalizeBlock.class, StandardConverters::l2Normalize)
                .with(ResidualBlock.class, StandardConverters::residual);
    }

    static Value sequential(ConversionContext ctx, SequentialBlock block, Value x) {
        if (block.isReturnIntermediate()) {
            throw ctx.unsupported(block, "a SequentialBlock returning intermediate outputs has no single output");
        }
        Value v = x;
        for (Pair<String, Block> child : block.getChildren()) {
            v = ctx.convert(child.getKey(), child.getValue(), v);
        }
        return v;
    }

    static Value conv2d(ConversionContext ctx, Conv2d conv, Value x) {
        long[] k = conv.getKernelShape().getShape();
        long[] s = orOnes(conv.getStride(), k.length);
        long[] d = orOnes(conv.getDilation(), k.length);
        long[] p = conv.getPadding() == null ? new long[k.length] : conv.getPadding().getShape();
        Map<String, Object> attrs = Map.of(
                "kernel_shape", ints(k), "strides", ints(s), "dilations", ints(d),
                "pads", ints(new long[] {p[0], p[1], p[0], p[1]}), "group", conv.getGroups());
        Value w = ctx.parameter(conv, "weight");
        return conv.isIncludeBias()
                ? ctx.graph().apply(Op.CONV, ctx.name("conv"), attrs, x, w, ctx.parameter(conv, "bias"))
                : ctx.graph().apply(Op.CONV, ctx.name("conv"), attrs, x, w);
    }

    /** DJL's Linear weight is [out, in]: y = x W^T + b is Gemm with transB = 1 (inputs must be 2-D). */
    static Value linear(ConversionContext ctx, Linear linear, Value x) {
        Value w = ctx.parameter(linear, "weight");
        Map<String, Object> attrs = Map.of("transB", 1);
        return linear.getDirectParameters().contains("bias")
                ? ctx.graph().apply(Op.GEMM, ctx.name("gemm"), attrs, x, w, ctx.parameter(linear, "bias"))
                : ctx.graph().apply(Op.GEMM, ctx.name("gemm"), attrs, x, w);
    }

    /** Inference-mode BN with the running statistics; the epsilon comes from the spec because DJL keeps it private. */
    static Value batchNorm(ConversionContext ctx, BatchNorm bn, Value x) {
        Map<String, Object> attrs = Map.of("epsilon", ctx.spec().bnEpsilon(), "training_mode", 0);
        return ctx.graph().apply(Op.BATCH_NORMALIZATION, ctx.name("bn"), attrs, x,
                ctx.parameter(bn, "gamma"), ctx.parameter(bn, "beta"),
                ctx.parameter(bn, "runningMean"), ctx.parameter(bn, "runningVar"));
    }

    static Value maxPool(ConversionContext ctx, MaxPool2dBlock pool, Value x) {
        int k = pool.kernel();
        int s = pool.stride();
        int p = pool.padding();
        Map<String, Object> attrs = Map.of("kernel_shape", new int[] {k, k}, "strides", new int[] {s, s},
                "pads", new int[] {p, p, p, p}, "ceil_mode", 0);
        return ctx.graph().apply(Op.MAX_POOL, ctx.name("maxpool"), attrs, x);
    }

    /** x / max(||x||_2, eps) over axis 1, exactly DJL's normalize(2, 1, eps). */
    static Value l2Normalize(ConversionContext ctx, L2NormalizeBlock block, Value x) {
        OnnxGraph g = ctx.graph();
        Value norm = g.apply(Op.REDUCE_L2, ctx.name("norm"), Map.of("axes", new int[] {1}, "keepdims", 1), x);
        Value clamped = g.apply(Op.MAX, ctx.name("clamp"), null, norm, g.scalar(ctx.name("eps"), block.epsilon()));
        return g.apply(Op.DIV, ctx.name("normalized"), null, x, clamped);
    }

    static Value residual(ConversionContext ctx, ResidualBlock block, Value x) {
        Value main = ctx.convertChild(block, block.main(), x);
        Value shortcut = ctx.convertChild(block, block.shortcut(), x);
        Value sum = ctx.graph().apply(Op.ADD, ctx.name("add"), null, main, shortcut);
        return ctx.graph().apply(Op.RELU, ctx.name("relu"), null, sum);
    }

    private static Value flatten(ConversionContext ctx, Value x) {
        return ctx.graph().apply(Op.FLATTEN, ctx.name("flatten"), Map.of("axis", 1), x);
    }

    private static long[] orOnes(Shape s, int n) {
        if (s != null) {
            return s.getShape();
        }
        long[] ones = new long[n];
        Arrays.fill(ones, 1);
        return ones;
    }

    private static int[] ints(long[] v) {
        int[] r = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = Math.toIntExact(v[i]);
        }
        return r;
    }
}
