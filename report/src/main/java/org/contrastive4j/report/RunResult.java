package org.contrastive4j.report;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.contrastive4j.core.contract.EvalField;
import org.contrastive4j.core.contract.MetricsField;
import org.contrastive4j.core.contract.MetricsLog;
import org.contrastive4j.core.contract.RunField;
import org.contrastive4j.core.contract.RunLayout;
import org.contrastive4j.core.contract.SummaryField;

/**
 * One loss's outcome in {@code ./c4j compare}.
 *
 * @param loss         loss name (e.g. {@code sincere})
 * @param metrics      any of {@code nn1_acc, knn_acc, linear_probe_acc, median_target, median_noise, median_gap,
 *                     repulsion_mean, repulsion_fraction, seconds}; missing keys show as "n/a"
 * @param metricsJsonl the run's metrics log for per-epoch curves, or null
 * @param reportDir    the run's report folder to link to, or null
 */
public record RunResult(String loss, Map<String, Double> metrics, Path metricsJsonl, Path reportDir) {

    public RunResult {
        Objects.requireNonNull(loss, "loss");
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(metrics, "metrics")));
    }

    /** The metric, or NaN when absent. */
    public double metric(String key) {
        Double v = metrics.get(key);
        return v == null ? Double.NaN : v;
    }

    /**
     * Collects a finished run's numbers from its directory: accuracies and similarity medians from
     * {@code report/report.json}, the last epoch's repulsion meter and {@code time_s} (as {@code seconds}) from
     * {@code metrics.jsonl} (assumes epoch lines carry {@code time_s} as seconds since the run started), overridden
     * by {@code summary.json}'s {@code seconds} when present. Either report.json or metrics.jsonl may be missing, not
     * both.
     *
     * @throws IOException when neither file exists or report.json is not valid JSON
     */
    public static RunResult fromRunDir(String loss, Path runDir) throws IOException {
        RunLayout layout = RunLayout.of(runDir);
        Path reportDir = layout.reportDir();
        Path reportJson = reportDir.resolve(ReportWriter.JSON);
        Path metrics = layout.metrics();
        boolean hasReport = Files.isRegularFile(reportJson);
        boolean hasMetrics = Files.isRegularFile(metrics);
        if (!hasReport && !hasMetrics) {
            throw new IOException("run directory " + runDir + " has neither report/" + ReportWriter.JSON
                    + " nor metrics.jsonl");
        }
        Map<String, Double> values = new LinkedHashMap<>();
        if (hasMetrics) {
            MetricsLog log = MetricsLog.read(metrics);
            for (RunField k : List.of(EvalField.NN1_ACC, EvalField.KNN_ACC, EvalField.LINEAR_PROBE_ACC, MetricsField.REPULSION_MEAN,
                    MetricsField.REPULSION_FRACTION)) {
                putFinite(values, k.json(), log.lastEpochValue(k));
            }
            putFinite(values, "seconds", log.lastEpochValue(MetricsField.TIME_S));
        }
        Path summary = layout.summary();
        if (Files.isRegularFile(summary)) {
            try {
                JsonElement root = JsonParser.parseString(Files.readString(summary));
                if (root.isJsonObject()) {
                    putNumber(values, "seconds", root.getAsJsonObject().get(SummaryField.SECONDS.json()));
                }
            } catch (JsonParseException e) {
                throw new IOException(summary + " is not valid JSON: " + e.getMessage(), e);
            }
        }
        if (hasReport) {
            JsonObject json;
            try {
                json = JsonParser.parseString(Files.readString(reportJson)).getAsJsonObject();
            } catch (JsonParseException | IllegalStateException e) {
                throw new IOException(reportJson + " is not a JSON object: " + e.getMessage(), e);
            }
            // The report's accuracies are the final evaluation: they win over the last logged epoch.
            if (json.has("accuracies") && json.get("accuracies").isJsonObject()) {
                for (Map.Entry<String, JsonElement> e : json.getAsJsonObject("accuracies").entrySet()) {
                    putNumber(values, e.getKey(), e.getValue());
                }
            }
            for (String k : new String[] {"median_target", "median_noise", "median_gap"}) {
                putNumber(values, k, json.get(k));
            }
        }
        return new RunResult(loss, values, hasMetrics ? metrics : null, hasReport ? reportDir : null);
    }

    private static void putFinite(Map<String, Double> values, String key, double v) {
        if (Double.isFinite(v)) {
            values.put(key, v);
        }
    }

    private static void putNumber(Map<String, Double> values, String key, JsonElement e) {
        if (e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
            putFinite(values, key, e.getAsDouble());
        }
    }
}
