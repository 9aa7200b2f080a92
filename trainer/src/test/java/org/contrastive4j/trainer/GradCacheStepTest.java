package org.contrastive4j.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.contrastive4j.losses.ContrastiveLoss;
import org.contrastive4j.losses.LossRegistry;
import org.contrastive4j.trainer.optim.Optimizer;
import org.contrastive4j.trainer.optim.Sgd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * GradCache against the plain step, on CPU: the same loss, parameter gradients and updated weights, whether the batch
 * is cut into chunks on one replica or spread over two replicas (two parameter copies on the CPU, which runs the
 * multi-device gradient reduction and replica refresh without GPUs).
 */
class GradCacheStepTest {

    static final int B = 12;
    static final int VIEWS = 2;
    static final int[] SHAPE = {TinyEncoder.IN};
    static final Device CPU = Device.cpu();

    /** Sgd that keeps a copy of every gradient it is handed, so tests can compare what the optimizer saw. */
    static final class Recording implements Optimizer {
        final Sgd sgd;
        final List<List<float[]>> gradients = new ArrayList<>();

        Recording(NDManager m) {
            this.sgd = new Sgd(m, 0.9f, false, 5e-4f);
        }

        @Override
        public String name() {
            return "recording-sgd";
        }

        @Override
        public void step(List<Param> params, float lr) {
            List<float[]> g = new ArrayList<>();
            for (Param p : params) {
                try (NDArray grad = p.value().getGradient()) {
                    g.add(grad.toFloatArray());
                }
            }
            gradients.add(g);
            sgd.step(params, lr);
        }

        @Override
        public NDList saveState(NDManager manager) {
            return sgd.saveState(manager);
        }

        @Override
        public void loadState(NDList state) {
            sgd.loadState(state);
        }

        @Override
        public void close() {
            sgd.close();
        }
    }

    record Batch(float[] x, int[] labels) {}

    static Batch batch(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[VIEWS * B * TinyEncoder.IN];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        int[] y = new int[B];
        for (int i = 0; i < B; i++) {
            y[i] = i % 4;
        }
        return new Batch(x, y);
    }

    static List<Device> replicas(int n) {
        List<Device> d = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            d.add(CPU);
        }
        return d;
    }

    /** Losses, gradients and final parameters of {@code steps} steps. */
    record Trace(List<Double> losses, List<List<float[]>> gradients, List<float[]> finalValues) {}

    static Trace train(boolean batchNorm, String lossName, int devices, int chunks, int steps) {
        ContrastiveLoss loss = LossRegistry.create(lossName, Map.of());
        try (NDManager m = NDManager.newBaseManager(CPU, "PyTorch"); Recording opt = new Recording(m)) {
            TinyEncoder block = TinyEncoder.create(m, batchNorm, 7);
            List<Double> losses = new ArrayList<>();
            try (Step step = devices == 0 ? new TrainStep(block, loss, opt, m, CPU, 0)
                    : new GradCacheStep(block, loss, opt, m, replicas(devices), 0, chunks)) {
                for (int s = 0; s < steps; s++) {
                    Batch b = batch(100 + s);
                    losses.add(step.run(b.x(), b.labels(), VIEWS, SHAPE, 0.1f));
                }
            }
            return new Trace(losses, opt.gradients, TinyEncoder.values(block));
        }
    }

    static void assertClose(float[] expected, float[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double scale = 1 + Math.abs(expected[i]);
            assertTrue(Math.abs(expected[i] - actual[i]) <= tol * scale,
                    what + "[" + i + "]: expected " + expected[i] + " but was " + actual[i]);
        }
    }

    static void assertSameTrace(Trace plain, Trace cached, double tol) {
        assertEquals(plain.losses().size(), cached.losses().size());
        for (int s = 0; s < plain.losses().size(); s++) {
            assertEquals(plain.losses().get(s), cached.losses().get(s), tol * (1 + Math.abs(plain.losses().get(s))),
                    "loss of step " + s);
            List<float[]> gp = plain.gradients().get(s);
            List<float[]> gc = cached.gradients().get(s);
            assertEquals(gp.size(), gc.size());
            for (int i = 0; i < gp.size(); i++) {
                assertClose(gp.get(i), gc.get(i), tol, "gradient " + i + " at step " + s);
            }
        }
        for (int i = 0; i < plain.finalValues().size(); i++) {
            assertClose(plain.finalValues().get(i), cached.finalValues().get(i), tol, "parameter " + i);
        }
    }

    /**
     * The reference, computed here without any Step: DJL autograd of the loss over the whole batch from the initial
     * weights (the loss value and each trainable parameter's gradient).
     */
    record Reference(double loss, List<float[]> gradients) {}

    static Reference autograd(boolean batchNorm, String lossName, long seed) {
        ContrastiveLoss loss = LossRegistry.create(lossName, Map.of());
        Batch b = batch(seed);
        try (NDManager m = NDManager.newBaseManager(CPU, "PyTorch")) {
            TinyEncoder block = TinyEncoder.create(m, batchNorm, 7);
            List<NDArray> trainable = new ArrayList<>();
            for (Pair<String, Parameter> p : block.getParameters()) {
                if (p.getValue().requiresGradient()) {
                    p.getValue().getArray().setRequiresGradient(true);
                    trainable.add(p.getValue().getArray());
                }
            }
            double value;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray x = m.create(b.x(), new Shape((long) VIEWS * B, TinyEncoder.IN));
                NDArray proj = block.forward(new ParameterStore(m, false), new NDList(x), true).get(1);
                NDArray l = loss.compute(proj, m.create(b.labels()), VIEWS);
                gc.backward(l);
                value = l.getFloat();
            }
            List<float[]> grads = new ArrayList<>();
            for (NDArray a : trainable) {
                grads.add(a.getGradient().toFloatArray());
            }
            return new Reference(value, grads);
        }
    }

    @Test
    void thePlainStepFollowsAutogradAndTheSgdFormula() {
        Reference ref = autograd(false, "supcon", 100);
        Trace plain = train(false, "supcon", 0, 0, 1);
        assertEquals(ref.loss(), plain.losses().get(0), 1e-6 * (1 + Math.abs(ref.loss())));
        for (int i = 0; i < ref.gradients().size(); i++) {
            assertClose(ref.gradients().get(i), plain.gradients().get(0).get(i), 1e-6, "gradient " + i);
        }
        // torch.optim.SGD's first step (momentum buffer starts as the gradient): w1 = w0 - lr * (g + wd * w0)
        try (NDManager m = NDManager.newBaseManager(CPU, "PyTorch")) {
            List<float[]> w0 = TinyEncoder.values(TinyEncoder.create(m, false, 7));
            for (int i = 0; i < w0.size(); i++) {
                float[] expected = new float[w0.get(i).length];
                for (int j = 0; j < expected.length; j++) {
                    expected[j] = (float) (w0.get(i)[j] - 0.1 * (ref.gradients().get(i)[j] + 5e-4 * w0.get(i)[j]));
                }
                assertClose(expected, plain.finalValues().get(i), 1e-6, "parameter " + i + " after one step");
            }
        }
    }

    @ParameterizedTest(name = "{0}, {1} replica(s), {2} chunks")
    @CsvSource({"supcon, 1, 3", "sincere, 1, 3", "supcon, 2, 4", "sincere, 2, 2", "nt_xent, 2, 3"})
    void withoutBatchNormEqualsThePlainStep(String loss, int devices, int chunks) {
        Trace plain = train(false, loss, 0, 0, 3);
        Trace cached = train(false, loss, devices, chunks, 3);
        // the first step against autograd, computed without any Step; later steps against the plain step
        Reference ref = autograd(false, loss, 100);
        assertEquals(ref.loss(), cached.losses().get(0), 2e-5 * (1 + Math.abs(ref.loss())), "loss of step 0");
        for (int i = 0; i < ref.gradients().size(); i++) {
            assertClose(ref.gradients().get(i), cached.gradients().get(0).get(i), 2e-5, "gradient " + i + " at step 0");
        }
        assertSameTrace(plain, cached, 2e-5);
        // Not vacuous: the weights moved, and the gradients are not zero.
        try (NDManager m = NDManager.newBaseManager(CPU, "PyTorch")) {
            float[] initial = TinyEncoder.values(TinyEncoder.create(m, false, 7)).get(0);
            assertNotEquals(initial[0], plain.finalValues().get(0)[0]);
        }
        double norm = 0;
        for (float g : plain.gradients().get(0).get(0)) {
            norm += g * g;
        }
        assertTrue(norm > 1e-8, "gradient norm " + norm);
    }

    @Test
    void oneShardWithBatchNormEqualsThePlainStepIncludingRunningStatistics() {
        // One shard normalises by the same batch statistics as the plain step, so everything must agree; pass 1 updating
        // the running statistics as well would show up as a second momentum step.
        Trace plain = train(true, "supcon", 0, 0, 3);
        Trace cached = train(true, "supcon", 1, 1, 3);
        assertSameTrace(plain, cached, 2e-5);
    }

    @Test
    void shardedBatchNormUpdatesRunningStatisticsOncePerStep() {
        ContrastiveLoss loss = LossRegistry.create("sincere", Map.of());
        Batch b = batch(5);
        int rows = VIEWS * B;
        List<Shards.Shard> shards = Shards.plan(rows, 3, 2);
        try (NDManager m = NDManager.newBaseManager(CPU, "PyTorch"); Recording opt = new Recording(m)) {
            // Expected: each shard alone, forwarded once in training mode from the initial statistics, weighted by rows.
            List<Integer> statIndex = new ArrayList<>();
            TinyEncoder probe = TinyEncoder.create(m, true, 7);
            List<Pair<String, Parameter>> ps = probe.getParameters().stream().toList();
            for (int i = 0; i < ps.size(); i++) {
                if (!ps.get(i).getValue().requiresGradient()) {
                    statIndex.add(i);
                }
            }
            assertEquals(2, statIndex.size(), "running mean and variance");
            List<float[]> initial = TinyEncoder.values(probe);
            double[][] expected = new double[statIndex.size()][];
            for (Shards.Shard s : shards) {
                for (int k = 0; k < statIndex.size(); k++) {
                    ps.get(statIndex.get(k)).getValue().getArray().set(initial.get(statIndex.get(k)));
                }
                try (NDManager scope = m.newSubManager()) {
                    float[] rowsX = Arrays.copyOfRange(b.x(), s.from() * TinyEncoder.IN, s.to() * TinyEncoder.IN);
                    NDArray in = scope.create(FloatBuffer.wrap(rowsX), new Shape(s.rows(), TinyEncoder.IN));
                    probe.forward(new ParameterStore(scope, false), new NDList(in), true);
                }
                double w = (double) s.rows() / rows;
                for (int k = 0; k < statIndex.size(); k++) {
                    float[] now = ps.get(statIndex.get(k)).getValue().getArray().toFloatArray();
                    if (expected[k] == null) {
                        expected[k] = new double[now.length];
                    }
                    for (int j = 0; j < now.length; j++) {
                        expected[k][j] += w * now[j];
                    }
                }
            }
            TinyEncoder block = TinyEncoder.create(m, true, 7);
            try (GradCacheStep step = new GradCacheStep(block, loss, opt, m, replicas(2), 0, 3)) {
                step.run(b.x(), b.labels(), VIEWS, SHAPE, 0.1f);
                List<float[]> after = TinyEncoder.values(block);
                for (int k = 0; k < statIndex.size(); k++) {
                    float[] exp = new float[expected[k].length];
                    for (int j = 0; j < exp.length; j++) {
                        exp[j] = (float) expected[k][j];
                    }
                    assertClose(exp, after.get(statIndex.get(k)), 1e-5, "running statistic " + k);
                    assertNotEquals(initial.get(statIndex.get(k))[0], after.get(statIndex.get(k))[0], "statistics moved");
                }
                // The step's projection (through its replicas) equals a direct inference-mode forward of the master.
                try (NDManager scope = m.newSubManager()) {
                    float[] viaStep = step.project(scope, b.x(), rows, SHAPE).toFloatArray();
                    NDArray in = scope.create(FloatBuffer.wrap(b.x()), new Shape(rows, TinyEncoder.IN));
                    float[] direct = block.forward(new ParameterStore(scope, false), new NDList(in), false).get(1)
                            .toFloatArray();
                    assertClose(direct, viaStep, 1e-6, "projection");
                }
            }
        }
    }

    @Test
    void noArraysLeakAcrossSteps() {
        ContrastiveLoss loss = LossRegistry.create("sincere", Map.of());
        try (NDManager m = NDManager.newBaseManager(CPU, "PyTorch"); Recording opt = new Recording(m)) {
            TinyEncoder block = TinyEncoder.create(m, true, 7);
            try (GradCacheStep step = new GradCacheStep(block, loss, opt, m, replicas(2), 1.0, 4)) {
                Batch b = batch(1);
                step.run(b.x(), b.labels(), VIEWS, SHAPE, 0.05f);
                int afterFirst = m.getManagedArrays().size();
                for (int s = 0; s < 20; s++) {
                    step.run(b.x(), b.labels(), VIEWS, SHAPE, 0.05f);
                }
                assertEquals(afterFirst, m.getManagedArrays().size(), "arrays held by the model's manager");
            }
        }
    }

    @Test
    void trainsABlockWhoseArraysDoNotRequireGradientYet() {
        // As after ModelCheckpoint.load: the arrays hold values but were never marked for autograd.
        ContrastiveLoss loss = LossRegistry.create("supcon", Map.of());
        try (NDManager m = NDManager.newBaseManager(CPU, "PyTorch"); Recording opt = new Recording(m)) {
            TinyEncoder block = TinyEncoder.create(m, true, 3);
            for (Pair<String, Parameter> p : block.getParameters()) {
                p.getValue().getArray().setRequiresGradient(false);
            }
            float[] before = TinyEncoder.values(block).get(0);
            try (GradCacheStep step = new GradCacheStep(block, loss, opt, m, replicas(2), 0, 2)) {
                Batch b = batch(9);
                double l = step.run(b.x(), b.labels(), VIEWS, SHAPE, 0.1f);
                assertTrue(Double.isFinite(l));
            }
            assertNotEquals(before[0], TinyEncoder.values(block).get(0)[0]);
        }
    }

    @Test
    void shardsAreContiguousBalancedAndSpreadOverReplicas() {
        List<Shards.Shard> s = Shards.plan(11, 4, 2);
        assertEquals(List.of(new Shards.Shard(0, 3, 0), new Shards.Shard(3, 6, 0), new Shards.Shard(6, 9, 1),
                new Shards.Shard(9, 11, 1)), s);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Shards.plan(7, 4, 1));
        assertTrue(e.getMessage().contains("at most 3"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Shards.plan(10, 1, 2));
    }

    @Test
    void stepFactoryChoosesGradCacheForChunksOrSeveralDevices() {
        ContrastiveLoss loss = LossRegistry.create("supcon", Map.of());
        try (NDManager m = NDManager.newBaseManager(CPU, "PyTorch"); Recording opt = new Recording(m)) {
            TinyEncoder block = TinyEncoder.create(m, false, 1);
            try (Step plain = Step.create(block, loss, opt, m, List.of(CPU), 0, 0);
                    Step chunked = Step.create(block, loss, opt, m, List.of(CPU), 0, 3);
                    Step sharded = Step.create(block, loss, opt, m, replicas(2), 0, 0)) {
                assertTrue(plain instanceof TrainStep);
                assertEquals(3, ((GradCacheStep) chunked).shards());
                assertEquals(2, ((GradCacheStep) sharded).shards());
            }
            assertThrows(IllegalArgumentException.class, () -> Step.create(block, loss, opt, m, List.of(CPU), 0, -1));
        }
    }
}
