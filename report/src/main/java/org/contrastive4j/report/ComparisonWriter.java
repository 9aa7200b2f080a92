package org.contrastive4j.report;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.contrastive4j.core.contract.EvalField;
import org.contrastive4j.core.contract.MetricsField;
import org.contrastive4j.core.contract.MetricsLog;
import org.contrastive4j.core.files.AtomicFiles;

/**
 * Writes {@code ./c4j compare}'s output: {@code comparison.md} (a markdown table), {@code comparison.html} (the table
 * and overlaid plots, images linked by bare file name), {@code comparison.json}, and the PNGs.
 */
public final class ComparisonWriter {

    public static final String MARKDOWN = "comparison.md";
    public static final String HTML = "comparison.html";
    public static final String JSON = "comparison.json";
    public static final String ACCURACY = "cmp_accuracy.png";
    public static final String SIMILARITY = "cmp_similarity.png";
    public static final String REPULSION = "cmp_repulsion.png";
    public static final String REPULSION_FRACTION = "cmp_repulsion_fraction.png";
    public static final String LOSS = "cmp_loss.png";
    public static final String TIME = "cmp_time.png";

    /** Table columns: metric key, header, decimals, and whether larger is better (null: no "best" marking). */
    /** A table column; {@code decimals < 0} means scientific notation (values far below 1, e.g. the repulsion mean). */
    private record Column(String key, String header, int decimals, Boolean higherIsBetter) {
        String format(double v) {
            return decimals >= 0 || !Double.isFinite(v) ? Html.num(v, Math.max(decimals, 0))
                    : String.format(Locale.ROOT, "%.2e", v);
        }
    }

    private static final List<Column> COLUMNS = List.of(
            new Column(EvalField.NN1_ACC.json(), "1-NN acc", 4, true),
            new Column(EvalField.KNN_ACC.json(), "k-NN acc", 4, true),
            new Column(EvalField.LINEAR_PROBE_ACC.json(), "linear-probe acc", 4, true),
            new Column("median_target", "median target", 3, true),
            new Column("median_noise", "median noise", 3, false),
            new Column("median_gap", "median gap", 3, true),
            new Column(MetricsField.REPULSION_MEAN.json(), "repulsion mean", -1, false),
            new Column(MetricsField.REPULSION_FRACTION.json(), "repulsion fraction", 3, false),
            new Column("seconds", "wall time (s)", 1, null));

    private ComparisonWriter() {}

    /** @return paths of everything written */
    public static List<Path> write(Path outDir, List<RunResult> runs) throws IOException {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("comparison needs at least one run");
        }
        Set<String> seen = new HashSet<>();
        for (RunResult r : runs) {
            if (!seen.add(r.loss())) {
                throw new IllegalArgumentException("loss '" + r.loss() + "' appears twice in the comparison");
            }
        }
        Files.createDirectories(outDir);
        List<Path> written = new ArrayList<>();
        List<String> losses = runs.stream().map(RunResult::loss).toList();
        List<String> images = new ArrayList<>();

        Map<String, double[]> acc = new LinkedHashMap<>();
        for (String k : List.of(EvalField.NN1_ACC.json(), EvalField.KNN_ACC.json(), EvalField.LINEAR_PROBE_ACC.json())) {
            double[] v = runs.stream().mapToDouble(r -> r.metric(k)).toArray();
            if (anyFinite(v)) {
                acc.put(ReportWriter.accuracyName(k), v);
            }
        }
        if (!acc.isEmpty()) {
            written.add(bars(outDir, ACCURACY, "Accuracy on held-out data", "accuracy", losses, acc, "0.000"));
            images.add(ACCURACY);
        }
        Map<String, double[]> sim = new LinkedHashMap<>();
        for (String[] k : new String[][] {{"median_target", "median target"}, {"median_noise", "median noise"},
                {"median_gap", "median gap"}}) {
            double[] v = runs.stream().mapToDouble(r -> r.metric(k[0])).toArray();
            if (anyFinite(v)) {
                sim.put(k[1], v);
            }
        }
        if (!sim.isEmpty()) {
            written.add(bars(outDir, SIMILARITY, "Target / noise similarity medians and their gap",
                    "cosine similarity", losses, sim, "0.000"));
            images.add(SIMILARITY);
        }

        Map<String, MetricsLog> logs = new LinkedHashMap<>();
        for (RunResult r : runs) {
            if (r.metricsJsonl() != null && Files.isRegularFile(r.metricsJsonl())) {
                logs.put(r.loss(), MetricsLog.read(r.metricsJsonl()));
            }
        }
        if (curves(outDir, REPULSION, "Intra-class repulsion per epoch (mean)", "epoch", "repulsion",
                runs, logs, log -> log.epochSeries(MetricsField.REPULSION_MEAN), false, written)) {
            images.add(REPULSION);
        }
        if (curves(outDir, REPULSION_FRACTION, "Fraction of same-class pairs repelled per epoch", "epoch",
                "fraction", runs, logs, log -> log.epochSeries(MetricsField.REPULSION_FRACTION), false, written)) {
            images.add(REPULSION_FRACTION);
        }
        if (curves(outDir, LOSS, "Training loss (smoothed)", "global step", "loss", runs, logs,
                log -> log.stepSeries(MetricsField.LOSS), true, written)) {
            images.add(LOSS);
        }

        double[] seconds = runs.stream().mapToDouble(r -> r.metric("seconds")).toArray();
        if (anyFinite(seconds)) {
            written.add(bars(outDir, TIME, "Wall time", "seconds", losses, Map.of("wall time", seconds), "0"));
            images.add(TIME);
        }

        Path md = outDir.resolve(MARKDOWN);
        AtomicFiles.writeString(md, markdown(outDir, runs));
        written.add(md);
        Path html = outDir.resolve(HTML);
        AtomicFiles.writeString(html, html(outDir, runs, images));
        written.add(html);
        Path json = outDir.resolve(JSON);
        AtomicFiles.writeString(json, json(runs));
        written.add(json);
        return written;
    }

    private static Path bars(Path outDir, String name, String title, String yLabel, List<String> losses,
                             Map<String, double[]> series, String pattern) throws IOException {
        Path p = outDir.resolve(name);
        Plots.bars(p, title, yLabel, losses, series, pattern, null, null);
        return p;
    }

    private static boolean curves(Path outDir, String name, String title, String xLabel, String yLabel,
                                  List<RunResult> runs, Map<String, MetricsLog> logs,
                                  Function<MetricsLog, MetricsLog.Series> pick, boolean smooth,
                                  List<Path> written) throws IOException {
        List<Plots.Line> lines = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            MetricsLog log = logs.get(runs.get(i).loss());
            if (log == null) {
                continue;
            }
            MetricsLog.Series s = pick.apply(log);
            if (s.isEmpty()) {
                continue;
            }
            double[] y = smooth ? Stats.ema(s.y(), TrainingCurves.smoothing(s.y().length)) : s.y();
            lines.add(new Plots.Line(runs.get(i).loss(), s.x(), y, Plots.color(i), false, !smooth && s.x().length <= 60));
        }
        if (lines.isEmpty()) {
            return false;
        }
        Path p = outDir.resolve(name);
        Plots.lines(p, title, xLabel, yLabel, lines);
        written.add(p);
        return true;
    }

    private static boolean anyFinite(double[] v) {
        for (double x : v) {
            if (Double.isFinite(x)) {
                return true;
            }
        }
        return false;
    }

    /** Relative link from the comparison folder to a run's report page, with forward slashes. */
    private static String reportLink(Path outDir, RunResult r) {
        Path from = outDir.toAbsolutePath().normalize();
        Path to = r.reportDir().toAbsolutePath().normalize().resolve(ReportWriter.INDEX);
        return from.relativize(to).toString().replace('\\', '/');
    }

    static String markdown(Path outDir, List<RunResult> runs) {
        StringBuilder b = new StringBuilder("| loss |");
        StringBuilder rule = new StringBuilder("|---|");
        for (Column c : COLUMNS) {
            b.append(' ').append(c.header()).append(" |");
            rule.append("---:|");
        }
        boolean links = runs.stream().anyMatch(r -> r.reportDir() != null);
        if (links) {
            b.append(" report |");
            rule.append("---|");
        }
        b.append('\n').append(rule).append('\n');
        for (RunResult r : runs) {
            b.append("| ").append(r.loss()).append(" |");
            for (Column c : COLUMNS) {
                b.append(' ').append(c.format(r.metric(c.key()))).append(" |");
            }
            if (links) {
                b.append(' ').append(r.reportDir() == null ? "" : "[report](" + reportLink(outDir, r) + ")")
                        .append(" |");
            }
            b.append('\n');
        }
        return b.toString();
    }

    private static String html(Path outDir, List<RunResult> runs, List<String> images) {
        StringBuilder h = new StringBuilder(Html.head("contrastive4j loss comparison"));
        h.append("<h1>Loss comparison</h1>\n<p class=\"sub\">Same model, data, budget and seed for every loss; "
                + "best value per column in bold.</p>\n<table><tr><th class=\"l\">loss</th>");
        for (Column c : COLUMNS) {
            h.append("<th>").append(Html.escape(c.header())).append("</th>");
        }
        boolean links = runs.stream().anyMatch(r -> r.reportDir() != null);
        if (links) {
            h.append("<th class=\"l\">report</th>");
        }
        h.append("</tr>\n");
        for (RunResult r : runs) {
            h.append("<tr><td class=\"l\"><b>").append(Html.escape(r.loss())).append("</b></td>");
            for (Column c : COLUMNS) {
                boolean best = isBest(runs, r, c);
                String v = c.format(r.metric(c.key()));
                h.append("<td>").append(best ? "<b>" + v + "</b>" : v).append("</td>");
            }
            if (links) {
                h.append("<td class=\"l\">").append(r.reportDir() == null ? ""
                        : "<a href=\"" + Html.escape(reportLink(outDir, r)) + "\">report</a>").append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n<p class=\"note\"><b>median target</b>/<b>noise</b>: median cosine similarity of a test "
                + "image to its nearest same-class / other-class training image; <b>gap</b> = target - noise. "
                + "<b>Repulsion</b>: how much of the loss gradient pushes same-class embeddings apart (last epoch)."
                + "</p>\n");
        for (String img : images) {
            h.append(Html.img(img, img.replace(".png", "").replace('_', ' ')));
        }
        h.append(Html.tail());
        return h.toString();
    }

    private static boolean isBest(List<RunResult> runs, RunResult r, Column c) {
        double v = r.metric(c.key());
        if (c.higherIsBetter() == null || !Double.isFinite(v) || runs.size() < 2) {
            return false;
        }
        for (RunResult o : runs) {
            double w = o.metric(c.key());
            if (Double.isFinite(w) && (c.higherIsBetter() ? w > v : w < v)) {
                return false;
            }
        }
        return true;
    }

    private static String json(List<RunResult> runs) {
        JsonArray arr = new JsonArray();
        for (RunResult r : runs) {
            JsonObject o = new JsonObject();
            o.addProperty("loss", r.loss());
            JsonObject m = new JsonObject();
            r.metrics().forEach((k, v) -> m.add(k, ReportWriter.number(v)));
            o.add("metrics", m);
            arr.add(o);
        }
        JsonObject root = new JsonObject();
        root.add("runs", arr);
        return new GsonBuilder().setPrettyPrinting().serializeNulls().create().toJson(root) + "\n";
    }
}
