package org.contrastive4j.core.contract;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.contrastive4j.core.files.AtomicFiles;

/**
 * A run's {@code summary.json}: the one writer and reader. Fields are {@link SummaryField}s and {@link EvalField}s;
 * values are numbers, strings, booleans, or JSON-serialisable maps and lists. Insertion order is kept, so the file
 * reads top-down as the run happened.
 */
public final class Summary {

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues()
            .disableHtmlEscaping().create();

    private final Map<String, Object> values = new LinkedHashMap<>();

    public Summary put(RunField field, Object value) {
        values.put(field.json(), value);
        return this;
    }

    /** Adds every entry (e.g. {@code Scores.asMap()}), keyed by persisted field names. */
    public Summary putAll(Map<String, ?> entries) {
        values.putAll(entries);
        return this;
    }

    public boolean has(RunField field) {
        return values.containsKey(field.json());
    }

    public Object get(RunField field) {
        return values.get(field.json());
    }

    /** The field as a number; NaN when absent or not a number. */
    public double number(RunField field) {
        Object v = values.get(field.json());
        return v instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    public Optional<String> text(RunField field) {
        Object v = values.get(field.json());
        return v == null ? Optional.empty() : Optional.of(v.toString());
    }

    public Map<String, Object> asMap() {
        return Collections.unmodifiableMap(values);
    }

    public String toJson() {
        return GSON.toJson(values) + "\n";
    }

    public void write(Path file) throws IOException {
        AtomicFiles.writeString(file, toJson());
    }

    /** Reads a summary; numbers come back as {@link Double}, objects as maps. */
    public static Summary read(Path file) throws IOException {
        JsonElement parsed;
        try {
            parsed = JsonParser.parseString(Files.readString(file));
        } catch (JsonParseException e) {
            throw new IOException(file + ": not valid JSON (" + e.getMessage() + ")", e);
        }
        if (!parsed.isJsonObject()) {
            throw new IOException(file + ": a summary must be a JSON object");
        }
        Summary s = new Summary();
        JsonObject o = parsed.getAsJsonObject();
        o.entrySet().forEach(e -> s.values.put(e.getKey(), GSON.fromJson(e.getValue(), Object.class)));
        return s;
    }
}
