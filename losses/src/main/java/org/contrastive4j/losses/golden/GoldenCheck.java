package org.contrastive4j.losses.golden;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.contrastive4j.losses.ContrastiveLoss;
import org.contrastive4j.losses.LossRegistry;

/**
 * Checks this library's losses against a golden file: for every case, the loss and its gradient with respect to
 * the embeddings (DJL autograd), in float64 against the case's float64 tolerances and in float32 against its float32
 * ones. A case passes only if both dtypes pass.
 */
public final class GoldenCheck {

    /** The exact definition each loss of this library implements (the golden file's {@code losses} map). */
    public static final Map<String, String> VARIANTS = Map.of(
            "nt_xent", "simclr_nt_xent_mean_over_2N_anchors",
            "supcon", "supcon_l_out_contrast_all_hobbitlong_2023",
            "sincere", "sincere_multiview_tuftsml_zero_for_anchor_without_positive",
            "cacr", "cacr_small_scale_euclidean_full_weights_not_detached",
            "mio", "mio_v1_miossl_bce_mean_plus_mse",
            "dystress", "dystress_cosine_temperature_stopgrad_nt_xent");

    /** The conventions this library follows, for the descriptive keys a case's params may carry. */
    static final Map<String, String> CONVENTIONS = Map.of(
            "contrast_mode", "all",
            "anchor_without_positive", "zero_and_counted_in_mean",
            "cost", "squared_euclidean",
            "weights", "full_not_detached",
            "temperature_function", "tau_min + 0.5*(tau_max - tau_min)*(1 + cos(pi*(1 + s)))",
            "temperature_gradient", "stop_gradient");

    private GoldenCheck() {}

    /**
     * The outcome of one case; {@code failures} holds one entry per failing dtype and quantity (e.g.
     * {@code float32 grad: max error ...}), empty when the case passed.
     */
    public record CaseResult(String id, List<String> failures) {
        public boolean passed() {
            return failures.isEmpty();
        }
    }

    /** Loss and gradient of one case in one dtype. */
    public record Evaluation(double loss, double[] grad) {}

    /**
     * Checks every case of {@code file}, printing one line per failure and then {@code N passed, M failed}.
     *
     * @return the number of failed cases
     * @throws IOException if the file cannot be read or is malformed
     */
    public static int run(Path file, PrintStream out) throws IOException {
        List<CaseResult> results = check(file);
        int failed = 0;
        for (CaseResult r : results) {
            if (!r.passed()) {
                failed++;
                out.println(r.id() + ": " + String.join("; ", r.failures()));
            }
        }
        out.println((results.size() - failed) + " passed, " + failed + " failed");
        return failed;
    }

    /** Per-case results of every case of {@code file}, in file order. */
    public static List<CaseResult> check(Path file) throws IOException {
        List<GoldenCase> cases = GoldenFile.read(file).cases();
        List<CaseResult> results = new ArrayList<>();
        for (GoldenCase c : cases) {
            results.add(check(c));
        }
        return results;
    }

    /** Checks one case in float64 and float32. */
    public static CaseResult check(GoldenCase c) {
        List<String> failures = new ArrayList<>();
        ContrastiveLoss loss;
        try {
            loss = lossOf(c);
        } catch (IllegalArgumentException e) {
            failures.add(e.getMessage());
            return new CaseResult(c.id(), List.copyOf(failures));
        }
        for (DataType dt : List.of(DataType.FLOAT64, DataType.FLOAT32)) {
            String dtype = dt == DataType.FLOAT64 ? "float64" : "float32";
            GoldenCase.Tolerance tol = dt == DataType.FLOAT64 ? c.float64() : c.float32();
            Evaluation ev;
            try {
                ev = evaluate(loss, c, dt);
            } catch (RuntimeException e) {
                failures.add(dtype + ": loss failed: " + e.getMessage());
                continue;
            }
            compare(dtype, "loss", new double[] {ev.loss()}, new double[] {c.expectedLoss()},
                    tol.lossRtol(), tol.lossAtol(), failures);
            compare(dtype, "grad", ev.grad(), c.expectedGrad(), tol.gradRtol(), tol.gradAtol(), failures);
        }
        return new CaseResult(c.id(), List.copyOf(failures));
    }

    /** The loss a case describes, or IllegalArgumentException when this library does not implement it. */
    public static ContrastiveLoss lossOf(GoldenCase c) {
        String expectedVariant = VARIANTS.get(c.loss());
        if (expectedVariant == null) {
            throw new IllegalArgumentException("unknown loss '" + c.loss() + "'; valid losses: "
                    + String.join(", ", LossRegistry.names()));
        }
        if (!c.variant().isEmpty() && !c.variant().equals(expectedVariant)) {
            throw new IllegalArgumentException("variant '" + c.variant() + "' is not implemented (" + c.loss()
                    + " implements " + expectedVariant + ")");
        }
        for (Map.Entry<String, String> kv : c.conventions().entrySet()) {
            if (!CONVENTIONS.get(kv.getKey()).equals(kv.getValue())) {
                throw new IllegalArgumentException("unsupported " + kv.getKey() + "='" + kv.getValue()
                        + "' (implemented: '" + CONVENTIONS.get(kv.getKey()) + "')");
            }
        }
        return LossRegistry.create(c.loss(), c.params());
    }

    /** Loss and dL/d(embeddings) of a case in dtype {@code dt}, through DJL autograd. */
    public static Evaluation evaluate(ContrastiveLoss loss, GoldenCase c, DataType dt) {
        try (NDManager m = NDManager.newBaseManager(null, "PyTorch")) {
            NDArray x = m.create(c.embeddings(), new Shape(c.rows(), c.dim())).toType(dt, false);
            x.setRequiresGradient(true);
            NDArray labels = c.labels() == null ? null : m.create(c.labels());
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray l = loss.compute(x, labels, c.views());
                gc.backward(l);
                return new Evaluation(l.toType(DataType.FLOAT64, false).getDouble(),
                        x.getGradient().toType(DataType.FLOAT64, false).toDoubleArray());
            }
        }
    }

    private static void compare(String dtype, String quantity, double[] actual, double[] expected,
            double rtol, double atol, List<String> failures) {
        int worst = -1;
        double worstRatio = 0;
        for (int i = 0; i < expected.length; i++) {
            double allowed = atol + rtol * Math.abs(expected[i]);
            double err = Math.abs(actual[i] - expected[i]);
            double ratio = Double.isNaN(err) ? Double.POSITIVE_INFINITY : err / allowed;
            if (ratio > 1 && (worst < 0 || ratio > worstRatio)) {
                worst = i;
                worstRatio = ratio;
            }
        }
        if (worst >= 0) {
            double maxErr = 0;
            for (int i = 0; i < expected.length; i++) {
                maxErr = Math.max(maxErr, Math.abs(actual[i] - expected[i]));
            }
            failures.add(String.format("%s %s: max error %.3e, worst element [%d] error %.3e > tolerance %.3e "
                    + "(atol %.1e + rtol %.1e * |expected|)", dtype, quantity, maxErr, worst,
                    Math.abs(actual[worst] - expected[worst]), atol + rtol * Math.abs(expected[worst]), atol, rtol));
        }
    }
}
