package org.contrastive4j.models.blocks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.Random;
import org.contrastive4j.models.DjlRuntime;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Outputs and gradients of the convolution against a direct double-precision convolution written out in loops here,
 * for filter counts around the SIMD widths. DJL's plain Conv2d fails this on machines whose oneDNN takes the broken
 * path (measured on AVX2 and AVX-512 kernels): the input gradients of 3x3 convolutions with 4 to 40 filters were off
 * by 40 to 90 % of their size, or NaN.
 */
class LaneAlignedConv2dTest {

    private static final int BATCH = 16;

    @BeforeAll
    static void engine() {
        DjlRuntime.engine();
    }

    /** out[n][o][y][x] = sum over c, i, j of in[n][c][y*s-p+i][x*s-p+j] * w[o][c][i][j], NCHW, flat arrays. */
    private record Conv(int channels, int filters, int size, int kernel, int stride, int pad) {
        int outSize() {
            return (size + 2 * pad - kernel) / stride + 1;
        }

        double[] forward(float[] in, float[] w) {
            int os = outSize();
            double[] out = new double[BATCH * filters * os * os];
            each((inIdx, outIdx, wIdx) -> out[outIdx] += (double) in[inIdx] * w[wIdx]);
            return out;
        }

        double[] inputGradient(float[] gradOut, float[] w) {
            double[] g = new double[BATCH * channels * size * size];
            each((inIdx, outIdx, wIdx) -> g[inIdx] += (double) gradOut[outIdx] * w[wIdx]);
            return g;
        }

        double[] weightGradient(float[] in, float[] gradOut) {
            double[] g = new double[filters * channels * kernel * kernel];
            each((inIdx, outIdx, wIdx) -> g[wIdx] += (double) gradOut[outIdx] * in[inIdx]);
            return g;
        }

        /** One product of the sum: the flat indices of its input value, output value and weight. */
        interface Term {
            void add(int inIdx, int outIdx, int wIdx);
        }

        void each(Term t) {
            int os = outSize();
            for (int n = 0; n < BATCH; n++) {
                for (int o = 0; o < filters; o++) {
                    for (int y = 0; y < os; y++) {
                        for (int x = 0; x < os; x++) {
                            for (int c = 0; c < channels; c++) {
                                for (int i = 0; i < kernel; i++) {
                                    int iy = y * stride - pad + i;
                                    if (iy < 0 || iy >= size) {
                                        continue;
                                    }
                                    for (int j = 0; j < kernel; j++) {
                                        int ix = x * stride - pad + j;
                                        if (ix < 0 || ix >= size) {
                                            continue;
                                        }
                                        t.add(((n * channels + c) * size + iy) * size + ix,
                                                ((n * filters + o) * os + y) * os + x,
                                                ((o * channels + c) * kernel + i) * kernel + j);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private static float[] gaussian(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }

    /** The largest difference relative to the reference's largest magnitude; NaN anywhere gives infinity. */
    private static double relativeError(float[] actual, double[] expected) {
        assertEquals(expected.length, actual.length);
        double scale = 0;
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            scale = Math.max(scale, Math.abs(expected[i]));
            double d = Math.abs(actual[i] - expected[i]);
            worst = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(worst, d);
        }
        return worst / scale;
    }

    private static void check(Conv conv, long seed) {
        Random r = new Random(seed);
        float[] in = gaussian(r, BATCH * conv.channels() * conv.size() * conv.size());
        float[] w = gaussian(r, conv.filters() * conv.channels() * conv.kernel() * conv.kernel());
        float[] gradOut = gaussian(r, BATCH * conv.filters() * conv.outSize() * conv.outSize());
        double[] expectedOut = conv.forward(in, w);
        double[] expectedInGrad = conv.inputGradient(gradOut, w);
        double[] expectedWGrad = conv.weightGradient(in, gradOut);
        LaneAlignedConv2d block = LaneAlignedConv2d.noBias(conv.filters(), conv.kernel(), conv.stride(), conv.pad());
        Shape inShape = new Shape(BATCH, conv.channels(), conv.size(), conv.size());
        try (NDManager m = NDManager.newBaseManager()) {
            block.initialize(m, DataType.FLOAT32, inShape);
            NDArray weight = block.getParameters().get("weight").getArray();
            weight.set(w);
            weight.setRequiresGradient(true);
            ParameterStore store = new ParameterStore(m, false);
            // Several calls: with AVX-512 kernels the plain convolution went wrong on some calls only.
            for (int call = 0; call < 4; call++) {
                try (NDManager sub = m.newSubManager()) {
                    if (call > 0) {
                        NDArray previous = weight.getGradient(); // gradients accumulate across calls
                        previous.subi(previous);
                    }
                    NDArray x = sub.create(in, inShape);
                    x.setRequiresGradient(true);
                    NDArray y;
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        y = block.forward(store, new NDList(x), true).singletonOrThrow();
                        gc.backward(y.mul(sub.create(gradOut, y.getShape())).sum());
                    }
                    String what = conv + " call " + call;
                    assertEquals(new Shape(BATCH, conv.filters(), conv.outSize(), conv.outSize()), y.getShape(), what);
                    assertTrue(relativeError(y.toFloatArray(), expectedOut) < 1e-5, what + ": output");
                    assertTrue(relativeError(x.getGradient().toFloatArray(), expectedInGrad) < 1e-5, what + ": input gradient");
                    assertTrue(relativeError(weight.getGradient().toFloatArray(), expectedWGrad) < 1e-5,
                            what + ": weight gradient");
                    float[] inference = block.forward(store, new NDList(x), false).singletonOrThrow().toFloatArray();
                    assertTrue(relativeError(inference, expectedOut) < 1e-5, what + ": inference output");
                }
            }
        }
    }

    @Test
    void narrowAndOddFilterCountsGetExactInputGradients() {
        for (int filters : new int[] {1, 4, 8, 12, 20, 40}) {
            check(new Conv(3, filters, 16, 3, 1, 1), filters);
            check(new Conv(8, filters, 8, 3, 1, 1), 100 + filters);
        }
    }

    @Test
    void otherKernelsAndStridesToo() {
        check(new Conv(8, 12, 16, 5, 1, 2), 1);
        check(new Conv(3, 8, 16, 7, 2, 3), 2);
        check(new Conv(8, 12, 16, 3, 2, 1), 3);
        check(new Conv(24, 4, 8, 1, 1, 0), 4);
    }

    @Test
    void alignedFilterCountsTakeTheUsualPath() {
        check(new Conv(8, 16, 8, 3, 1, 1), 5);
        check(new Conv(4, 32, 8, 3, 1, 1), 6);
    }
}
