package org.contrastive4j.report;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.contrastive4j.core.contract.EvalField;
import org.contrastive4j.core.contract.MetricsField;
import org.contrastive4j.core.contract.MetricsLog;
import org.contrastive4j.core.files.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a run's report folder: {@code index.html} (self-contained: inline CSS, no scripts, images referenced by bare
 * file name so the folder can be copied anywhere), the PNGs it shows, and {@code report.json} with the numbers.
 */
public final class ReportWriter {

    public static final String INDEX = "index.html";
    public static final String JSON = "report.json";
    public static final String SIMILARITY = "similarity.png";
    public static final String SIMILARITY_PER_CLASS = "similarity_per_class.png";
    public static final String CLASS_MEDIANS = "class_medians.png";
    public static final String CONFUSION = "confusion.png";
    public static final String PCA = "pca.png";

    private static final int MAX_SCATTER_POINTS = 5000;
    private static final Logger LOG = LoggerFactory.getLogger(ReportWriter.class);
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeNulls().disableHtmlEscaping().create();

    private ReportWriter() {}

    /** What was written, and the diagnostics computed on the way (callers log the gap, put it in summary.json). */
    public record Written(Path index, Path json, List<String> images, EmbeddingDiagnostics diagnostics,
                          Pca.Projection projection) {}

    public static Written write(Path reportDir, ReportInputs in) throws IOException {
        int numClasses = in.classNames().size();
        long t0 = System.nanoTime();
        EmbeddingDiagnostics d = EmbeddingDiagnostics.compute(in.trainEmbeddings(), in.trainLabels(),
                in.testEmbeddings(), in.testLabels(), numClasses);
        LOG.info("target/noise similarities of {} test vs {} train embeddings in {} s: median gap {}",
                in.testLabels().length, in.trainLabels().length, Html.num((System.nanoTime() - t0) / 1e9, 1),
                Html.num(d.medianGap(), 4));
        long t1 = System.nanoTime();
        Files.createDirectories(reportDir);
        List<String> images = new ArrayList<>();

        Plots.overlaidHistogram(reportDir.resolve(SIMILARITY),
                "Target vs. noise similarity (median gap " + Html.num(d.medianGap(), 3) + ")",
                "cosine similarity of each test image to its nearest training image of the same / another class",
                List.of(
                        new Plots.Distribution("target", Stats.toDouble(d.target()), Plots.TARGET),
                        new Plots.Distribution("noise", Stats.toDouble(d.noise()), Plots.NOISE)));
        images.add(SIMILARITY);

        List<Plots.Panel> panels = new ArrayList<>();
        for (int c = 0; c < numClasses; c++) {
            double[][] tn = classValues(d, c);
            panels.add(new Plots.Panel(in.classNames().get(c) + String.format(Locale.ROOT, "  (gap %s)",
                    Html.num(d.classMedianGap(c), 3)), List.of(
                    new Plots.Distribution("target (same class)", tn[0], Plots.TARGET),
                    new Plots.Distribution("noise (other class)", tn[1], Plots.NOISE))));
        }
        Plots.histogramGrid(reportDir.resolve(SIMILARITY_PER_CLASS), "Target vs. noise similarity per class",
                panels, gridColumns(numClasses));
        images.add(SIMILARITY_PER_CLASS);

        if (numClasses <= 30) {
            Map<String, double[]> medians = new LinkedHashMap<>();
            medians.put("median target", d.classMedianTarget().clone());
            medians.put("median noise", d.classMedianNoise().clone());
            Plots.bars(reportDir.resolve(CLASS_MEDIANS), "Median similarities per class", "cosine similarity",
                    in.classNames(), medians, "0.00", null, null);
            images.add(CLASS_MEDIANS);
        }

        int[][] confusion = in.confusionMatrix().orElseGet(d::nn1Confusion);
        String confusionSource = in.confusionMatrix().isPresent() ? in.confusionSource() : "cosine 1-NN";
        Plots.confusionMatrix(reportDir.resolve(CONFUSION), "Confusion matrix (" + confusionSource + ")", confusion,
                in.classNames());
        images.add(CONFUSION);

        Pca.Projection projection = null;
        if (in.testEmbeddings().length >= 2) {
            projection = Pca.project2d(in.testEmbeddings());
            double[] r = projection.explainedVarianceRatio();
            // Beyond a few thousand points the scatter is one blob; a fixed stride keeps it readable and stable.
            int n = in.testLabels().length;
            int stride = (n + MAX_SCATTER_POINTS - 1) / MAX_SCATTER_POINTS;
            int shown = (n + stride - 1) / stride;
            float[][] points = new float[shown][];
            int[] labels = new int[shown];
            for (int i = 0; i < shown; i++) {
                points[i] = projection.points()[i * stride];
                labels[i] = in.testLabels()[i * stride];
            }
            Plots.scatter(reportDir.resolve(PCA), "Test embeddings, first two principal components"
                            + (stride > 1 ? String.format(Locale.ROOT, " (%,d of %,d shown)", shown, n) : ""),
                    String.format(Locale.ROOT, "PC1 (%.1f%% of variance)", 100 * r[0]),
                    String.format(Locale.ROOT, "PC2 (%.1f%% of variance)", 100 * r[1]),
                    points, labels, in.classNames());
            images.add(PCA);
        }

        Map<String, Path> curves = Map.of();
        MetricsLog log = null;
        if (in.metricsJsonl().isPresent() && Files.isRegularFile(in.metricsJsonl().get())) {
            log = MetricsLog.read(in.metricsJsonl().get());
            curves = TrainingCurves.write(log, reportDir);
            images.addAll(curves.keySet());
        }

        LOG.info("report charts in {} s", Html.num((System.nanoTime() - t1) / 1e9, 1));
        JsonObject json = json(in, d, confusion, confusionSource, projection, log, images);
        Path jsonPath = reportDir.resolve(JSON);
        AtomicFiles.writeString(jsonPath, GSON.toJson(json) + "\n");
        Path index = reportDir.resolve(INDEX);
        AtomicFiles.writeString(index, html(in, d, confusion, confusionSource, projection, log, curves.keySet(),
                images));
        return new Written(index, jsonPath, List.copyOf(images), d, projection);
    }

    static int gridColumns(int panels) {
        if (panels <= 4) {
            return panels;
        }
        return panels <= 9 ? 3 : panels <= 16 ? 4 : (int) Math.ceil(Math.sqrt(panels));
    }

    private static double[][] classValues(EmbeddingDiagnostics d, int c) {
        int n = d.classCounts()[c];
        double[] t = new double[n];
        double[] z = new double[n];
        int m = 0;
        for (int i = 0; i < d.size(); i++) {
            if (d.testLabels()[i] == c) {
                t[m] = d.target()[i];
                z[m] = d.noise()[i];
                m++;
            }
        }
        return new double[][] {t, z};
    }

    private static double recall(int[][] confusion, int c) {
        long total = 0;
        for (int v : confusion[c]) {
            total += v;
        }
        return total == 0 ? Double.NaN : confusion[c][c] / (double) total;
    }

    static JsonElement number(double v) {
        return Double.isFinite(v) ? new JsonPrimitive(v) : JsonNull.INSTANCE;
    }

    private static JsonObject json(ReportInputs in, EmbeddingDiagnostics d, int[][] confusion, String confusionSource,
                                   Pca.Projection projection, MetricsLog log, List<String> images) {
        JsonObject o = new JsonObject();
        o.addProperty("run", in.runName());
        o.addProperty("num_classes", in.classNames().size());
        o.addProperty("train_samples", in.trainLabels().length);
        o.addProperty("test_samples", in.testLabels().length);
        JsonObject acc = new JsonObject();
        in.accuracies().forEach((k, v) -> acc.add(k, number(v)));
        o.add("accuracies", acc);
        // every accuracy in this file (accuracies, baseline, outputs) was measured on this split
        o.add("eval_split", in.evalSplit().<JsonElement>map(JsonPrimitive::new).orElse(JsonNull.INSTANCE));
        if (in.baselineMethod().isPresent()) {
            JsonObject baseline = new JsonObject();
            in.baseline().forEach((k, v) -> baseline.add(k, number(v)));
            baseline.addProperty("method", in.baselineMethod().get());
            o.add("baseline", baseline);
        }
        if (!in.outputs().isEmpty()) {
            JsonObject outputs = new JsonObject();
            for (OutputSpread spread : in.outputs()) {
                JsonObject one = new JsonObject();
                spread.asMap().forEach((k, v) -> one.add(k, v instanceof Double x ? number(x) : GSON.toJsonTree(v)));
                outputs.add(spread.output(), one);
            }
            o.add("outputs", outputs);
            o.add("similarity_output", in.similarityOutput().<JsonElement>map(JsonPrimitive::new).orElse(JsonNull.INSTANCE));
        }
        o.add("median_target", number(d.medianTarget()));
        o.add("median_noise", number(d.medianNoise()));
        o.add("median_gap", number(d.medianGap()));
        o.add("median_sample_gap", number(d.medianSampleGap()));
        o.add("nn1_from_similarity", number(d.nn1Accuracy()));
        JsonArray perClass = new JsonArray();
        for (int c = 0; c < in.classNames().size(); c++) {
            JsonObject pc = new JsonObject();
            pc.addProperty("class", c);
            pc.addProperty("name", in.classNames().get(c));
            pc.addProperty("test_samples", d.classCounts()[c]);
            pc.add("median_target", number(d.classMedianTarget()[c]));
            pc.add("median_noise", number(d.classMedianNoise()[c]));
            pc.add("median_gap", number(d.classMedianGap(c)));
            pc.add("recall", number(recall(confusion, c)));
            perClass.add(pc);
        }
        o.add("per_class", perClass);
        JsonObject cm = new JsonObject();
        cm.addProperty("source", confusionSource);
        cm.add("counts", GSON.toJsonTree(confusion));
        o.add("confusion_matrix", cm);
        if (projection != null) {
            JsonArray ev = new JsonArray();
            for (double r : projection.explainedVarianceRatio()) {
                ev.add(number(r));
            }
            o.add("pca_explained_variance_ratio", ev);
        }
        if (log != null) {
            o.add("last_repulsion_mean", number(log.lastEpochValue(MetricsField.REPULSION_MEAN)));
            o.add("last_repulsion_fraction", number(log.lastEpochValue(MetricsField.REPULSION_FRACTION)));
        }
        o.add("config", GSON.toJsonTree(in.config()));
        o.add("summary", GSON.toJsonTree(in.summary()));
        JsonArray imgs = new JsonArray();
        images.forEach(imgs::add);
        o.add("images", imgs);
        return o;
    }

    /** Human name of an accuracy key: {@code nn1_acc} -> "1-NN accuracy", {@code onnx_knn_acc} -> "k-NN accuracy (ONNX)". */
    static String accuracyName(String key) {
        String k = key;
        String suffix = "";
        if (k.startsWith("onnx_")) {
            k = k.substring(5);
            suffix = " (ONNX)";
        }
        String base = k.equals(EvalField.NN1_ACC.json()) ? "1-NN accuracy"
                : k.equals(EvalField.KNN_ACC.json()) ? "k-NN accuracy"
                : k.equals(EvalField.LINEAR_PROBE_ACC.json()) ? "linear-probe accuracy"
                : k.replace('_', ' ');
        return base + suffix;
    }

    private static String html(ReportInputs in, EmbeddingDiagnostics d, int[][] confusion, String confusionSource,
                               Pca.Projection projection, MetricsLog log, Set<String> curves,
                               List<String> images) {
        StringBuilder h = new StringBuilder(Html.head("contrastive4j report: " + in.runName()));
        h.append("<h1>").append(Html.escape(in.runName())).append("</h1>\n");
        Object loss = in.config().get("loss");
        h.append("<p class=\"sub\">contrastive4j embedding report")
                .append(loss == null ? "" : " &middot; loss <code>" + Html.escape(String.valueOf(loss)) + "</code>")
                .append(" &middot; ").append(in.trainLabels().length).append(" training / ")
                .append(in.testLabels().length).append(" ").append(Html.escape(splitName(in))).append(" images &middot; ")
                .append(in.classNames().size()).append(" classes")
                .append(in.evalSplit().map(s -> " &middot; every accuracy measured on <b>" + Html.escape(s) + "</b>").orElse(""))
                .append("</p>\n");

        h.append("<div class=\"cards\">");
        in.accuracies().forEach((k, v) -> h.append(Html.card(accuracyName(k) + " on " + splitName(in)
                + (in.baseline().containsKey(k) ? " (raw-pixel baseline " + Html.percent(in.baseline().get(k)) + ")" : ""),
                Html.percent(v), null)));
        h.append("</div>\n");
        if (in.baselineMethod().isPresent()) {
            h.append("<p class=\"note\"><b>Raw-pixel baseline</b>: the same k-NN on the model's input values instead of "
                    + "its embeddings, to show what training added: ").append(Html.escape(in.baselineMethod().get()))
                    .append(".</p>\n");
        }
        h.append("<div class=\"cards\">");
        h.append(Html.card("median target similarity", Html.num(d.medianTarget(), 3), "target"));
        h.append(Html.card("median noise similarity", Html.num(d.medianNoise(), 3), "noise"));
        h.append(Html.card("median gap (target - noise)", Html.num(d.medianGap(), 3),
                d.medianGap() > 0 ? "good" : "bad"));
        if (log != null && Double.isFinite(log.lastEpochValue(MetricsField.REPULSION_MEAN))) {
            // The fraction reads at a glance; the mean coefficient is tiny in absolute terms, so it goes in
            // scientific notation rather than rounding to 0.0000.
            h.append(Html.card(String.format(Locale.ROOT, "same-class pairs repelled, last epoch (mean coefficient %.2e)",
                    log.lastEpochValue(MetricsField.REPULSION_MEAN)), Html.percent(log.lastEpochValue(MetricsField.REPULSION_FRACTION)), null));
        }
        h.append("</div>\n");

        appendOutputs(h, in);

        h.append("<h2>Target vs. noise similarity</h2>\n<p class=\"note\">For every test image, <b class=\"target\">"
                + "target</b> is the cosine similarity to its nearest training image of the <i>same</i> class and "
                + "<b class=\"noise\">noise</b> the similarity to its nearest training image of <i>any other</i> class "
                + "(backbone features). A good embedding keeps target high and noise low; the dashed lines are the "
                + "medians and the <b>gap</b> is median target minus median noise (the median of the per-image "
                + "differences is " + Html.num(d.medianSampleGap(), 3) + "). A test image is 1-NN correct exactly "
                + "when its target exceeds its noise: " + Html.percent(d.nn1Accuracy()) + " here.</p>\n");
        h.append(Html.img(SIMILARITY, "histograms of target and noise similarities"));
        h.append("<h3>Per class</h3>\n").append(Html.img(SIMILARITY_PER_CLASS, "per-class histograms"));
        if (images.contains(CLASS_MEDIANS)) {
            h.append(Html.img(CLASS_MEDIANS, "per-class median similarities"));
        }
        h.append("<table><tr><th class=\"l\">class</th><th>test images</th><th>median target</th>"
                + "<th>median noise</th><th>gap</th><th>recall (" + Html.escape(confusionSource) + ")</th></tr>\n");
        for (int c = 0; c < in.classNames().size(); c++) {
            h.append("<tr><td class=\"l\">").append(Html.escape(in.classNames().get(c))).append("</td><td>")
                    .append(d.classCounts()[c]).append("</td><td>").append(Html.num(d.classMedianTarget()[c], 3))
                    .append("</td><td>").append(Html.num(d.classMedianNoise()[c], 3)).append("</td><td>")
                    .append(Html.num(d.classMedianGap(c), 3)).append("</td><td>")
                    .append(Html.percent(recall(confusion, c))).append("</td></tr>\n");
        }
        h.append("</table>\n");

        h.append("<h2>Confusion matrix</h2>\n<p class=\"note\">Rows are true classes, columns predictions of the ")
                .append(Html.escape(confusionSource))
                .append(" classifier; shading is the row fraction (recall).</p>\n");
        h.append(Html.img(CONFUSION, "confusion matrix"));

        if (projection != null) {
            h.append("<h2>Embedding space (PCA)</h2>\n<p class=\"note\">Test embeddings projected on their first two "
                    + "principal components (together " + Html.percent(projection.explainedVarianceRatio()[0]
                    + projection.explainedVarianceRatio()[1]) + " of the variance).</p>\n");
            h.append(Html.img(PCA, "PCA scatter of test embeddings"));
        }

        if (!curves.isEmpty()) {
            h.append("<h2>Training</h2>\n");
            for (String c : List.of(TrainingCurves.LOSS, TrainingCurves.LR, TrainingCurves.EVAL)) {
                if (curves.contains(c)) {
                    h.append(Html.img(c, c.replace(".png", "")));
                }
            }
            if (curves.contains(TrainingCurves.REPULSION)) {
                h.append("<h3>Intra-class repulsion meter</h3>\n<p class=\"note\">How much of the loss gradient on "
                        + "each embedding points away from embeddings of its own class, measured on a batch each "
                        + "epoch. SupCon-style losses repel same-class samples that are treated as negatives of "
                        + "each other; SINCERE should read about zero.</p>\n");
                h.append(Html.img(TrainingCurves.REPULSION, "intra-class repulsion per epoch"));
            }
        } else {
            h.append("<h2>Training</h2>\n<p class=\"note\">No metrics.jsonl was available for this run.</p>\n");
        }

        appendTable(h, "Configuration", in.config());
        appendTable(h, "Summary", in.summary());
        h.append(Html.tail());
        return h.toString();
    }

    /** "test" for "test (t10k-images-idx3-ubyte.gz)": the split's name, for labels; "test" when unknown. */
    static String splitName(ReportInputs in) {
        String s = in.evalSplit().orElse("test");
        int paren = s.indexOf(" (");
        return paren < 0 ? s : s.substring(0, paren);
    }

    /** The outputs compared for similarity search: accuracy and how their cosine similarities spread. */
    private static void appendOutputs(StringBuilder h, ReportInputs in) {
        if (in.outputs().isEmpty()) {
            return;
        }
        OutputSpread first = in.outputs().get(0);
        h.append("<h2>Which output for similarity search</h2>\n<p class=\"note\">Each output of the exported model, "
                + "searched the same way (cosine, ").append(first.queries()).append(" ").append(Html.escape(splitName(in)))
                .append(" queries against ").append(first.references()).append(" references). The post-ReLU "
                + "<code>embedding</code> keeps every cosine similarity close to 1, so a threshold on it separates little; "
                + "a useful similarity output spreads its scores (a wide 5th-95th percentile range) with the same "
                + "accuracy.");
        in.similarityOutput().ifPresent(o -> h.append(" The model's default output (what <code>embed</code>, "
                + "<code>index</code> and <code>serve</code> return) is <code>").append(Html.escape(o)).append("</code>."));
        h.append("</p>\n<table><tr><th class=\"l\">output</th><th>1-NN</th><th>").append(first.k())
                .append("-NN</th><th>median target</th><th>median noise</th><th>gap</th><th>cosine p5</th>"
                + "<th>p50</th><th>p95</th></tr>\n");
        for (OutputSpread o : in.outputs()) {
            h.append("<tr").append(in.similarityOutput().filter(o.output()::equals).isPresent() ? " class=\"best\"" : "")
                    .append("><td class=\"l\"><code>").append(Html.escape(o.output())).append("</code></td><td>")
                    .append(Html.percent(o.nn1Acc())).append("</td><td>").append(Html.percent(o.knnAcc())).append("</td><td>")
                    .append(Html.num(o.medianTarget(), 3)).append("</td><td>").append(Html.num(o.medianNoise(), 3))
                    .append("</td><td>").append(Html.num(o.medianGap(), 3)).append("</td><td>").append(Html.num(o.p05(), 2))
                    .append("</td><td>").append(Html.num(o.p50(), 2)).append("</td><td>").append(Html.num(o.p95(), 2))
                    .append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    private static void appendTable(StringBuilder h, String title, Map<String, Object> values) {
        if (values.isEmpty()) {
            return;
        }
        h.append("<h2>").append(Html.escape(title)).append("</h2>\n<table>\n");
        values.forEach((k, v) -> h.append("<tr><th class=\"l\">").append(Html.escape(k))
                .append("</th><td class=\"l\">").append(Html.escape(display(v))).append("</td></tr>\n"));
        h.append("</table>\n");
    }

    private static String display(Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof Double || v instanceof Float) {
            double x = ((Number) v).doubleValue();
            if (!Double.isFinite(x)) {
                return String.valueOf(x);
            }
            if (x == Math.rint(x) && Math.abs(x) < 1e15) {
                return String.valueOf((long) x);
            }
            // Shortest exact decimal for ordinary magnitudes (0.1 stays "0.1"), scientific otherwise.
            return Math.abs(x) >= 1e-4 && Math.abs(x) < 1e9
                    ? BigDecimal.valueOf(x).stripTrailingZeros().toPlainString()
                    : String.format(Locale.ROOT, "%.4g", x);
        }
        if (v instanceof Map<?, ?> || v instanceof Iterable<?> || v.getClass().isArray()) {
            return GSON.toJson(v).replaceAll("\\s*\\n\\s*", " ");
        }
        return String.valueOf(v);
    }
}
