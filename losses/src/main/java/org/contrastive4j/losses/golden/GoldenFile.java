package org.contrastive4j.losses.golden;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads a golden file (format {@code contrastive-loss-golden}, version 1); any defect is an IOException naming it. */
public final class GoldenFile {

    /** Case params that name a convention rather than a hyper-parameter. */
    static final Set<String> CONVENTION_KEYS = Set.of("contrast_mode", "anchor_without_positive", "cost", "weights",
            "temperature_function", "temperature_gradient");

    private final Path path;
    private final JsonObject root;

    private GoldenFile(Path path, JsonObject root) {
        this.path = path;
        this.root = root;
    }

    public static GoldenFile read(Path path) throws IOException {
        JsonElement e;
        try (Reader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            e = JsonParser.parseReader(r);
        } catch (JsonParseException ex) {
            throw new IOException(path + ": not valid JSON (" + ex.getMessage() + ")", ex);
        }
        if (!e.isJsonObject()) {
            throw new IOException(path + ": a golden file must be a JSON object");
        }
        JsonObject root = e.getAsJsonObject();
        GoldenFile f = new GoldenFile(path, root);
        String format = f.string(root, "format", "file");
        if (!format.equals("contrastive-loss-golden")) {
            throw new IOException(path + ": format is '" + format + "', expected 'contrastive-loss-golden'");
        }
        long version = (long) f.number(root, "version", "file");
        if (version != 1) {
            throw new IOException(path + ": unsupported golden format version " + version + " (this reader knows 1)");
        }
        return f;
    }

    /** All cases, in file order. */
    public List<GoldenCase> cases() throws IOException {
        JsonArray cases = array(root, "cases", "file");
        if (cases.isEmpty()) {
            throw new IOException(path + ": the golden file has no cases (nothing would be checked)");
        }
        List<GoldenCase> out = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            if (!cases.get(i).isJsonObject()) {
                throw new IOException(path + ": cases[" + i + "] is not an object");
            }
            out.add(parseCase(i, cases.get(i).getAsJsonObject()));
        }
        return out;
    }

    /** The demonstrations array (raw JSON: they carry loss-specific derived scalars). */
    public JsonArray demonstrations() throws IOException {
        return array(root, "demonstrations", "file");
    }

    private GoldenCase parseCase(int i, JsonObject c) throws IOException {
        String where = "cases[" + i + "]";
        String id = string(c, "id", where);
        where = where + " (" + id + ")";
        String loss = string(c, "loss", where);
        String variant = c.has("variant") ? string(c, "variant", where) : "";
        JsonObject params = object(c, "params", where);
        Map<String, String> hyper = new LinkedHashMap<>();
        Map<String, String> conventions = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> p : params.entrySet()) {
            if (!p.getValue().isJsonPrimitive()) {
                throw new IOException(path + ": " + where + ": params." + p.getKey() + " must be a number, boolean or "
                        + "string");
            }
            String value = p.getValue().getAsString();
            if (CONVENTION_KEYS.contains(p.getKey())) {
                conventions.put(p.getKey(), value);
            } else {
                hyper.put(p.getKey().replace('_', '-'), value);
            }
        }
        int views = (int) number(c, "n_views", where);
        int n = (int) number(c, "batch_size", where);
        if (views < 1 || n < 1) {
            throw new IOException(path + ": " + where + ": n_views and batch_size must be >= 1");
        }
        int rows = views * n;
        if (c.has("n_rows") && (int) number(c, "n_rows", where) != rows) {
            throw new IOException(path + ": " + where + ": n_rows != n_views * batch_size");
        }
        if (c.has("layout") && !string(c, "layout", where).equals("view_major")) {
            throw new IOException(path + ": " + where + ": only layout 'view_major' is supported");
        }
        double[] emb = matrix(c, "embeddings", where, rows, -1);
        int dim = emb.length / rows;
        long[] labels = null;
        if (c.has("labels") && !c.get("labels").isJsonNull()) {
            JsonArray l = array(c, "labels", where);
            if (l.size() != n) {
                throw new IOException(path + ": " + where + ": labels has " + l.size() + " entries, batch_size is " + n);
            }
            labels = new long[n];
            for (int k = 0; k < n; k++) {
                labels[k] = asLong(l.get(k), where + ".labels[" + k + "]");
            }
        }
        double expectedLoss = number(c, "expected_loss", where);
        double[] grad = matrix(c, "expected_grad", where, rows, dim);
        double[] gradNorm = c.has("expected_grad_wrt_normalized")
                ? matrix(c, "expected_grad_wrt_normalized", where, rows, dim) : null;
        JsonObject tol = object(c, "tolerance", where);
        return new GoldenCase(i, id, loss, variant, hyper, conventions, views, rows, dim, labels, emb, expectedLoss,
                grad, gradNorm, tolerance(tol, "float64", where), tolerance(tol, "float32", where));
    }

    private GoldenCase.Tolerance tolerance(JsonObject tol, String dtype, String where) throws IOException {
        JsonObject t = object(tol, dtype, where + ".tolerance");
        String w = where + ".tolerance." + dtype;
        return new GoldenCase.Tolerance(nonNegative(t, "loss_rtol", w), nonNegative(t, "loss_atol", w),
                nonNegative(t, "grad_rtol", w), nonNegative(t, "grad_atol", w));
    }

    /** A tolerance: a finite number >= 0 (a negative one would make every comparison fail or pass by accident). */
    private double nonNegative(JsonObject t, String key, String where) throws IOException {
        double v = number(t, key, where);
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IOException(path + ": " + where + "." + key + " must be a finite number >= 0, got " + v);
        }
        return v;
    }

    /** A [rows][dim] array of numbers, flattened row-major; dim −1 takes the width of the first row. */
    private double[] matrix(JsonObject o, String key, String where, int rows, int dim) throws IOException {
        JsonArray a = array(o, key, where);
        if (a.size() != rows) {
            throw new IOException(path + ": " + where + ": " + key + " has " + a.size() + " rows, expected " + rows);
        }
        int d = dim;
        double[] out = null;
        for (int r = 0; r < rows; r++) {
            if (!a.get(r).isJsonArray()) {
                throw new IOException(path + ": " + where + ": " + key + "[" + r + "] is not an array");
            }
            JsonArray row = a.get(r).getAsJsonArray();
            if (d < 0) {
                d = row.size();
                if (d == 0) {
                    throw new IOException(path + ": " + where + ": " + key + " has empty rows");
                }
            }
            if (row.size() != d) {
                throw new IOException(path + ": " + where + ": " + key + "[" + r + "] has " + row.size()
                        + " columns, expected " + d);
            }
            if (out == null) {
                out = new double[rows * d];
            }
            for (int k = 0; k < d; k++) {
                out[r * d + k] = asDouble(row.get(k), where + "." + key + "[" + r + "][" + k + "]");
            }
        }
        return out;
    }

    private JsonElement field(JsonObject o, String key, String where) throws IOException {
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull()) {
            throw new IOException(path + ": " + where + ": missing field '" + key + "'");
        }
        return e;
    }

    private String string(JsonObject o, String key, String where) throws IOException {
        JsonElement e = field(o, key, where);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw new IOException(path + ": " + where + ": field '" + key + "' must be a string");
        }
        return e.getAsString();
    }

    private double number(JsonObject o, String key, String where) throws IOException {
        return asDouble(field(o, key, where), where + "." + key);
    }

    private JsonArray array(JsonObject o, String key, String where) throws IOException {
        JsonElement e = field(o, key, where);
        if (!e.isJsonArray()) {
            throw new IOException(path + ": " + where + ": field '" + key + "' must be an array");
        }
        return e.getAsJsonArray();
    }

    private JsonObject object(JsonObject o, String key, String where) throws IOException {
        JsonElement e = field(o, key, where);
        if (!e.isJsonObject()) {
            throw new IOException(path + ": " + where + ": field '" + key + "' must be an object");
        }
        return e.getAsJsonObject();
    }

    private double asDouble(JsonElement e, String where) throws IOException {
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw new IOException(path + ": " + where + " must be a number");
        }
        return e.getAsDouble();
    }

    private long asLong(JsonElement e, String where) throws IOException {
        double d = asDouble(e, where);
        if (d != Math.rint(d)) {
            throw new IOException(path + ": " + where + " must be an integer");
        }
        return (long) d;
    }
}
