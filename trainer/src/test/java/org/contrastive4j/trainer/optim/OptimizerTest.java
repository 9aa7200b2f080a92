package org.contrastive4j.trainer.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.contrastive4j.models.DjlRuntime;
import org.junit.jupiter.api.Test;

/**
 * Our optimizers against scalar reference recurrences (the torch.optim formulas written out in doubles), and the
 * save/restore property that exact resume depends on.
 */
class OptimizerTest {

    static final float[] W0 = {0.5f, -1.25f, 2.0f};

    /** Loss = sum(c · w²) with per-coordinate c, so grad = 2·c·w. */
    static final float[] C = {1.0f, 0.3f, -0.2f};

    private static float[] train(NDManager m, Optimizer opt, int steps, float lr, int stopAfter, NDList[] saved) {
        DjlRuntime.engine();
        NDArray w = m.create(W0.clone());
        w.setRequiresGradient(true);
        NDArray c = m.create(C);
        for (int t = 0; t < steps; t++) {
            try (NDManager s = m.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray loss = w.square().mul(c).sum();
                loss.attach(s);
                gc.backward(loss);
            }
            opt.step(List.of(new Optimizer.Param("w", w)), lr);
            try (NDArray g = w.getGradient()) {
                g.muli(0f);
            }
            if (t + 1 == stopAfter && saved != null) {
                saved[0] = opt.saveState(m);
                saved[1] = new NDList(w.duplicate());
            }
        }
        return w.toFloatArray();
    }

    static double[] reference(int steps, double lr, BiFunction<double[], double[], double[]> update) {
        double[] w = new double[W0.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = W0[i];
        }
        for (int t = 0; t < steps; t++) {
            double[] g = new double[w.length];
            for (int i = 0; i < w.length; i++) {
                g[i] = 2 * C[i] * w[i];
            }
            w = update.apply(w, g);
        }
        return w;
    }

    static void assertClose(double[] expected, float[] actual) {
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-5 * Math.max(1, Math.abs(expected[i])), "coordinate " + i);
        }
    }

    @Test
    void sgdWithNesterovMomentumAndWeightDecayFollowsTorchFormula() {
        double mu = 0.9;
        double wd = 0.01;
        double lr = 0.1;
        double[] buf = new double[3];
        double[] expected = reference(7, lr, (w, g) -> {
            double[] out = w.clone();
            for (int i = 0; i < w.length; i++) {
                double gi = g[i] + wd * w[i];
                buf[i] = mu * buf[i] + gi;
                out[i] = w[i] - lr * (gi + mu * buf[i]);
            }
            return out;
        });
        try (NDManager m = NDManager.newBaseManager(); Sgd sgd = new Sgd(m, (float) mu, true, (float) wd)) {
            assertClose(expected, train(m, sgd, 7, (float) lr, -1, null));
        }
    }

    @Test
    void adamWFollowsTorchFormula() {
        double b1 = 0.9;
        double b2 = 0.999;
        double eps = 1e-8;
        double wd = 0.05;
        double lr = 0.01;
        double[] mm = new double[3];
        double[] vv = new double[3];
        int[] t = {0};
        double[] expected = reference(6, lr, (w, g) -> {
            t[0]++;
            double[] out = w.clone();
            for (int i = 0; i < w.length; i++) {
                out[i] = w[i] * (1 - lr * wd);
                mm[i] = b1 * mm[i] + (1 - b1) * g[i];
                vv[i] = b2 * vv[i] + (1 - b2) * g[i] * g[i];
                double mh = mm[i] / (1 - Math.pow(b1, t[0]));
                double vh = vv[i] / (1 - Math.pow(b2, t[0]));
                out[i] -= lr * mh / (Math.sqrt(vh) + eps);
            }
            return out;
        });
        try (NDManager m = NDManager.newBaseManager(); AdamW adam = new AdamW(m, (float) b1, (float) b2, (float) eps, (float) wd)) {
            assertClose(expected, train(m, adam, 6, (float) lr, -1, null));
        }
    }

    @Test
    void restoredStateContinuesExactly() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] uninterrupted;
            try (AdamW a = new AdamW(m, 0.9f, 0.999f, 1e-8f, 0.01f)) {
                uninterrupted = train(m, a, 8, 0.01f, -1, null);
            }
            NDList[] saved = new NDList[2];
            try (AdamW a = new AdamW(m, 0.9f, 0.999f, 1e-8f, 0.01f)) {
                train(m, a, 3, 0.01f, 3, saved);
            }
            byte[] bytes = saved[0].encode();
            try (AdamW b = new AdamW(m, 0.9f, 0.999f, 1e-8f, 0.01f)) {
                b.loadState(NDList.decode(m, bytes));
                NDArray w = saved[1].get(0);
                w.setRequiresGradient(true);
                NDArray c = m.create(C);
                for (int t = 3; t < 8; t++) {
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        gc.backward(w.square().mul(c).sum());
                    }
                    b.step(List.of(new Optimizer.Param("w", w)), 0.01f);
                    try (NDArray g = w.getGradient()) {
                        g.muli(0f);
                    }
                }
                assertArrayEquals(uninterrupted, w.toFloatArray());
            }
        }
    }

    @Test
    void rejectsInvalidHyperParameters() {
        try (NDManager m = NDManager.newBaseManager()) {
            assertThrows(IllegalArgumentException.class, () -> new Sgd(m, 1.0f, false, 0));
            assertThrows(IllegalArgumentException.class, () -> new Sgd(m, 0f, true, 0));
            assertThrows(IllegalArgumentException.class, () -> new AdamW(m, 0.9f, 1.0f, 1e-8f, 0));
        }
    }

    /** One step on {@code params} (named "a", "b", … in order) with grad = 2w (loss: sum of their squares). */
    private static void adamStep(Optimizer opt, float lr, NDArray... params) {
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray loss = params[0].square().sum();
            for (int i = 1; i < params.length; i++) {
                loss = loss.add(params[i].square().sum());
            }
            gc.backward(loss);
        }
        List<Optimizer.Param> list = new ArrayList<>();
        for (int i = 0; i < params.length; i++) {
            list.add(new Optimizer.Param(String.valueOf((char) ('a' + i)), params[i]));
        }
        opt.step(list, lr);
        for (NDArray p : params) {
            try (NDArray g = p.getGradient()) {
                g.muli(0f);
            }
        }
    }

    @Test
    void adamwBiasCorrectionFollowsEachParametersOwnStepCount() {
        DjlRuntime.engine();
        float lr = 0.01f;
        double eps = 1e-8;
        try (NDManager m = NDManager.newBaseManager(); AdamW opt = new AdamW(m, 0.9f, 0.999f, (float) eps, 0f)) {
            NDArray a = m.create(new float[] {1f, -2f});
            NDArray b = m.create(new float[] {0.5f, 3f});
            a.setRequiresGradient(true);
            b.setRequiresGradient(true);
            for (int t = 0; t < 5; t++) {
                adamStep(opt, lr, a); // b is left out (frozen)
            }
            adamStep(opt, lr, a, b);
            // torch: b's first step has t = 1, so m/(1-β1) = g and sqrt(v/(1-β2)) = |g|: b -= lr·g/(|g| + ε)
            float[] got = b.toFloatArray();
            double[] b0 = {0.5, 3.0};
            for (int i = 0; i < 2; i++) {
                double g = 2 * b0[i];
                assertEquals(b0[i] - lr * g / (Math.abs(g) + eps), got[i], 1e-7, "coordinate " + i);
            }
            NDList state = opt.saveState(m);
            assertEquals(6L, find(state, "__steps__:a").toLongArray()[0]);
            assertEquals(1L, find(state, "__steps__:b").toLongArray()[0]);
        }
    }

    private static NDArray find(NDList list, String name) {
        for (NDArray a : list) {
            if (name.equals(a.getName())) {
                return a;
            }
        }
        throw new AssertionError("no " + name + " in " + list.stream().map(NDArray::getName).toList());
    }

    @Test
    void adamwStateSavedBeforePerParameterCountsResumesWithTheGlobalCount() {
        DjlRuntime.engine();
        try (NDManager m = NDManager.newBaseManager(); AdamW original = new AdamW(m, 0.9f, 0.999f, 1e-8f, 0.01f);
             AdamW resumed = new AdamW(m, 0.9f, 0.999f, 1e-8f, 0.01f)) {
            NDArray w = m.create(new float[] {1f, -2f, 0.25f});
            w.setRequiresGradient(true);
            for (int t = 0; t < 4; t++) {
                adamStep(original, 0.05f, w);
            }
            NDList old = new NDList();
            for (NDArray a : original.saveState(m)) {
                if (!a.getName().startsWith("__steps__:")) {
                    old.add(a); // the layout of checkpoints written before per-parameter counts
                }
            }
            resumed.loadState(old);
            NDArray copy = w.duplicate();
            copy.setRequiresGradient(true);
            adamStep(original, 0.05f, w);
            adamStep(resumed, 0.05f, copy);
            assertArrayEquals(w.toFloatArray(), copy.toFloatArray());
        }
    }
}
