package org.contrastive4j.report;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run's {@code metrics.jsonl}, read into numeric step and epoch records. Lines that are not JSON objects (typically
 * the half-written last line of a killed run) are skipped with a warning; non-numeric fields are ignored.
 */
public final class MetricsLog {

    private static final Logger LOG = LoggerFactory.getLogger(MetricsLog.class);

    private final List<Map<String, Double>> steps;
    private final List<Map<String, Double>> epochs;

    private MetricsLog(List<Map<String, Double>> steps, List<Map<String, Double>> epochs) {
        this.steps = steps;
        this.epochs = epochs;
    }

    /** A series of points sorted by x. */
    public record Series(double[] x, double[] y) {
        public boolean isEmpty() {
            return x.length == 0;
        }
    }

    /**
     * @throws IOException when the file cannot be read (a missing file is an error; callers that treat the log as
     *                     optional check for it first)
     */
    public static MetricsLog read(Path metricsJsonl) throws IOException {
        List<Map<String, Double>> steps = new ArrayList<>();
        List<Map<String, Double>> epochs = new ArrayList<>();
        int lineNo = 0;
        int skipped = 0;
        try (BufferedReader in = Files.newBufferedReader(metricsJsonl, StandardCharsets.UTF_8)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                JsonObject obj;
                try {
                    JsonElement e = JsonParser.parseString(line);
                    if (!e.isJsonObject()) {
                        skipped++;
                        continue;
                    }
                    obj = e.getAsJsonObject();
                } catch (JsonParseException e) {
                    skipped++;
                    continue;
                }
                String type = obj.has("type") && obj.get("type").isJsonPrimitive() ? obj.get("type").getAsString() : "";
                Map<String, Double> values = new TreeMap<>();
                for (Map.Entry<String, JsonElement> f : obj.entrySet()) {
                    JsonElement v = f.getValue();
                    if (v.isJsonPrimitive() && v.getAsJsonPrimitive().isNumber()) {
                        values.put(f.getKey(), v.getAsDouble());
                    }
                }
                if (type.equals("step")) {
                    steps.add(values);
                } else if (type.equals("epoch")) {
                    epochs.add(values);
                }
            }
        }
        if (skipped > 0) {
            LOG.warn("{}: skipped {} of {} lines that are not JSON objects", metricsJsonl, skipped, lineNo);
        }
        return new MetricsLog(List.copyOf(steps), List.copyOf(epochs));
    }

    public int stepCount() {
        return steps.size();
    }

    public int epochCount() {
        return epochs.size();
    }

    /** {@code key} against {@code global_step} over step lines. */
    public Series stepSeries(String key) {
        return series(steps, "global_step", key);
    }

    /** {@code key} against {@code epoch} over epoch lines. */
    public Series epochSeries(String key) {
        return series(epochs, "epoch", key);
    }

    /** The last epoch line's value of {@code key}, or NaN. */
    public double lastEpochValue(String key) {
        Series s = epochSeries(key);
        return s.isEmpty() ? Double.NaN : s.y()[s.y().length - 1];
    }

    /**
     * Points where both fields are present and finite, sorted by x. A repeated x (a resumed run re-logging steps
     * after its last checkpoint) keeps the value logged last, which is the one the final model saw.
     */
    private static Series series(List<Map<String, Double>> rows, String xKey, String yKey) {
        TreeMap<Double, Double> points = new TreeMap<>();
        for (Map<String, Double> row : rows) {
            Double x = row.get(xKey);
            Double y = row.get(yKey);
            if (x != null && y != null && Double.isFinite(x) && Double.isFinite(y)) {
                points.put(x, y);
            }
        }
        double[] xs = new double[points.size()];
        double[] ys = new double[points.size()];
        int i = 0;
        for (Map.Entry<Double, Double> e : points.entrySet()) {
            xs[i] = e.getKey();
            ys[i] = e.getValue();
            i++;
        }
        return new Series(xs, ys);
    }
}
