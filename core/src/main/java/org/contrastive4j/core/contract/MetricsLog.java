package org.contrastive4j.core.contract;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.contrastive4j.core.files.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run's {@code metrics.jsonl}: the one writer ({@link Writer}) and reader ({@link #read}). One JSON object per line,
 * a {@link Kind#STEP step} line every few optimizer steps and an {@link Kind#EPOCH epoch} line per epoch, with the
 * fields of {@link MetricsField} and {@link EvalField}. The reader keeps numeric fields; lines that are not JSON
 * objects (typically the half-written last line of a killed run) are skipped with a warning.
 */
public final class MetricsLog {

    private static final Logger LOG = LoggerFactory.getLogger(MetricsLog.class);
    private static final Gson GSON = new GsonBuilder().serializeSpecialFloatingPointValues().disableHtmlEscaping().create();

    private final List<Map<String, Double>> steps;
    private final List<Map<String, Double>> epochs;

    private MetricsLog(List<Map<String, Double>> steps, List<Map<String, Double>> epochs) {
        this.steps = steps;
        this.epochs = epochs;
    }

    /** The kind of a line, persisted as its {@code type}. */
    public enum Kind {
        STEP("step"),
        EPOCH("epoch");

        private final String json;

        Kind(String json) {
            this.json = json;
        }

        public String json() {
            return json;
        }
    }

    /** One line being assembled: its kind first, then fields in the order they are put. */
    public static final class Line {
        private final Map<String, Object> values = new LinkedHashMap<>();

        private Line(Kind kind) {
            values.put(MetricsField.TYPE.json(), kind.json());
        }

        public static Line of(Kind kind) {
            return new Line(kind);
        }

        public Line put(RunField field, Object value) {
            values.put(field.json(), value);
            return this;
        }

        public Line putAll(Map<String, ?> entries) {
            values.putAll(entries);
            return this;
        }

        public Map<String, Object> asMap() {
            return Collections.unmodifiableMap(values);
        }
    }

    /**
     * Appends lines to {@code metrics.jsonl}, flushed per line so a killed run keeps what it logged. On resume, lines
     * beyond the resumed step are dropped first, so the file reads as one uninterrupted run.
     */
    public static final class Writer implements AutoCloseable {
        private final BufferedWriter out;
        private final Path file;

        private Writer(Path file, BufferedWriter out) {
            this.file = file;
            this.out = out;
        }

        public static Writer create(Path file) throws IOException {
            return new Writer(file, Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE));
        }

        /** Opens for appending after keeping only the lines whose {@code global_step} is at most {@code lastStep}. */
        public static Writer resume(Path file, long lastStep) throws IOException {
            List<String> kept = new ArrayList<>();
            if (Files.exists(file)) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    try {
                        JsonElement e = JsonParser.parseString(line);
                        JsonElement step = e.isJsonObject() ? e.getAsJsonObject().get(MetricsField.GLOBAL_STEP.json()) : null;
                        if (step != null && step.isJsonPrimitive() && step.getAsJsonPrimitive().isNumber()
                                && step.getAsLong() <= lastStep) {
                            kept.add(line);
                        }
                    } catch (RuntimeException partialLine) {
                        // the line being written when the run died: drop it
                    }
                }
            }
            AtomicFiles.writeString(file, kept.isEmpty() ? "" : String.join("\n", kept) + "\n");
            return new Writer(file, Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND));
        }

        public synchronized void write(Line line) {
            try {
                out.write(GSON.toJson(line.values));
                out.newLine();
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(file + ": cannot write metrics (" + e.getMessage() + ")", e);
            }
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
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
                String typeKey = MetricsField.TYPE.json();
                String type = obj.has(typeKey) && obj.get(typeKey).isJsonPrimitive() ? obj.get(typeKey).getAsString() : "";
                Map<String, Double> values = new TreeMap<>();
                for (Map.Entry<String, JsonElement> f : obj.entrySet()) {
                    JsonElement v = f.getValue();
                    if (v.isJsonPrimitive() && v.getAsJsonPrimitive().isNumber()) {
                        values.put(f.getKey(), v.getAsDouble());
                    }
                }
                if (type.equals(Kind.STEP.json())) {
                    steps.add(values);
                } else if (type.equals(Kind.EPOCH.json())) {
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

    /** {@code field} against {@code global_step} over step lines. */
    public Series stepSeries(RunField field) {
        return series(steps, MetricsField.GLOBAL_STEP.json(), field.json());
    }

    /** {@code field} against {@code epoch} over epoch lines. */
    public Series epochSeries(RunField field) {
        return series(epochs, MetricsField.EPOCH.json(), field.json());
    }

    /** The last epoch line's value of {@code field}, or NaN. */
    public double lastEpochValue(RunField field) {
        return lastEpochValue(field.json());
    }

    private double lastEpochValue(String key) {
        Series s = series(epochs, MetricsField.EPOCH.json(), key);
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
