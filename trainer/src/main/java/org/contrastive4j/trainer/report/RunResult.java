package org.contrastive4j.trainer.report;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

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
}
