package org.contrastive4j.losses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A garbage collection between {@code compute} and {@code backward} must not change the gradient. DJL's PyTorch engine
 * backs arrays made from Java values by a direct buffer that only the Java array keeps alive; the losses close their
 * intermediates before returning, so a constant that autograd saved for backward (1/τ in {@code z·(1/τ)}, the factor
 * of a scaled term, ...) could be freed and overwritten before backward read it. This once made
 * {@code GradientAndInvarianceTest} fail for {@code infonce} (max error 0.78) whenever a GC happened to fall into that
 * window; here the GC is forced and the freed memory overwritten, so a regression fails every run.
 */
class LossMemorySafetyTest {

    /** The input of the {@code infonce{temperature=0.2} V=2} finite-difference case that failed: [8, 4] float64. */
    private static final double[] INFONCE_FAILING_INPUT = {
        -0.4833460797510802, -0.780141680047315, 0.8446801513124674, 0.061884745458593994,
        0.4650128888011666, -0.2321150181117853, -0.8388346469066382, -0.07306776728248857,
        0.1438637510331473, -1.207866314876444, 0.42082060290747664, -0.11744277753206661,
        -1.1788373287215566, 0.005682988384665815, -0.18145249241644443, 0.7591601377261342,
        -0.16684098154656427, 1.5729511992740761, 0.09363067141193998, 0.8001058302855313,
        -1.3869610026651271, 1.1660189835383927, -0.11686839415377655, 0.0511345385707972,
        0.6256573767560556, -0.8993137364915985, 0.30595519370216584, -0.5142607375258652,
        -0.010328828158637324, -1.9180017261210687, 0.32591109921810013, -0.4895502403442557,
    };

    static Stream<Arguments> cases() {
        List<Batches.Config> configs = new ArrayList<>(Batches.configs());
        configs.add(new Batches.Config("nt_xent", Map.of("temperature", "0.3"), 1));
        configs.add(new Batches.Config("nt_xent", Map.of("normalize", "false"), 2));
        configs.add(new Batches.Config("supcon", Map.of("temperature", "0.4"), 3));
        configs.add(new Batches.Config("sincere", Map.of("temperature", "0.2", "normalize", "false"), 3));
        configs.add(new Batches.Config("mio", Map.of("normalize", "false", "tau-neg", "0.7"), 2));
        List<Arguments> out = new ArrayList<>();
        for (Batches.Config c : configs) {
            for (DataType dt : new DataType[] {DataType.FLOAT64, DataType.FLOAT32}) {
                out.add(Arguments.of(c, dt, false));
                out.add(Arguments.of(c, dt, true));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1} fromSimilarities={2}")
    @MethodSource("cases")
    void gradientSurvivesGarbageCollectionBeforeBackward(Batches.Config config, DataType dt, boolean fromSimilarities) {
        int n = 4;
        int dim = 4;
        int rows = n * config.views();
        double[] x = new double[rows * dim];
        for (int k = 0; k < x.length; k++) {
            x[k] = INFONCE_FAILING_INPUT[k % INFONCE_FAILING_INPUT.length] * (1 + k / INFONCE_FAILING_INPUT.length);
        }
        long[] labels = {0, 1, 0, 2};
        ContrastiveLoss loss = config.loss();
        double[] quiet = gradient(loss, x, rows, dim, labels, config.views(), dt, fromSimilarities, false);
        double[] collected = gradient(loss, x, rows, dim, labels, config.views(), dt, fromSimilarities, true);
        double maxGrad = 0;
        for (double g : quiet) {
            maxGrad = Math.max(maxGrad, Math.abs(g));
        }
        // Only NT-Xent with one view has no positives (a zero gradient); everything else must be exercised.
        assertTrue(config.views() == 1 && config.name().equals("nt_xent") || maxGrad > 1e-3,
                "gradient is (nearly) zero: " + maxGrad);
        for (int k = 0; k < quiet.length; k++) {
            assertEquals(quiet[k], collected[k], 1e-12 * Math.max(1, maxGrad),
                    "gradient element " + k + " changed after a GC between forward and backward");
        }
    }

    /** The reported failure itself: with a GC before backward, autograd still matches central differences. */
    @Test
    void infonceFailingCaseMatchesFiniteDifferencesAfterGarbageCollection() {
        ContrastiveLoss loss = LossRegistry.create("infonce", Map.of("temperature", "0.2"));
        double[] x = INFONCE_FAILING_INPUT.clone();
        double[] grad = gradient(loss, x, 8, 4, null, 2, DataType.FLOAT64, false, true);
        double h = 1e-6;
        for (int k = 0; k < x.length; k++) {
            double keep = x[k];
            x[k] = keep + h;
            double up = Batches.value(loss, x, 8, 4, null, 2);
            x[k] = keep - h;
            double down = Batches.value(loss, x, 8, 4, null, 2);
            x[k] = keep;
            assertEquals((up - down) / (2 * h), grad[k], 1e-6, "element " + k);
        }
    }

    /**
     * dLoss/dembeddings, or dLoss/dsimilarities through {@link SimilarityLoss#computeFromSimilarities}; with
     * {@code collect}, the loss's closed intermediates are garbage-collected and small native blocks overwritten with
     * junk between the forward pass and backward.
     */
    private static double[] gradient(ContrastiveLoss loss, double[] x, int rows, int dim, long[] labels, int views,
            DataType dt, boolean fromSimilarities, boolean collect) {
        try (NDManager m = NDManager.newBaseManager(null, "PyTorch")) {
            NDArray e = m.create(x, new Shape(rows, dim)).toType(dt, false);
            NDArray input = fromSimilarities ? e.matMul(e.transpose()) : e;
            input.setRequiresGradient(true);
            NDArray l = loss.supervised() ? m.create(labels) : null;
            List<ByteBuffer> junk = new ArrayList<>();
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray out = fromSimilarities ? ((SimilarityLoss) loss).computeFromSimilarities(input, l, views, dim)
                        : loss.compute(input, l, views);
                if (collect) {
                    collectAndOverwrite(junk);
                }
                gc.backward(out);
                return input.getGradient().toType(DataType.FLOAT64, false).toDoubleArray();
            }
        }
    }

    /** Forces a GC, waits for freed direct buffers to be released, then takes small blocks and fills them with junk. */
    private static void collectAndOverwrite(List<ByteBuffer> keep) {
        BufferPoolMXBean direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(b -> b.getName().equals("direct")).findFirst().orElseThrow();
        long before = direct.getCount();
        System.gc();
        long deadline = System.nanoTime() + 500_000_000L;
        while (direct.getCount() >= before && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        for (int size : new int[] {8, 4, 8, 16}) {
            for (int i = 0; i < 64; i++) {
                ByteBuffer b = ByteBuffer.allocateDirect(size).order(ByteOrder.nativeOrder());
                for (int k = 0; k + 4 <= size; k += 4) {
                    b.putFloat(k, 1234.5f);
                }
                keep.add(b);
            }
        }
    }
}
