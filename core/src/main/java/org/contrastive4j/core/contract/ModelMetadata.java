package org.contrastive4j.core.contract;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes and parses the structured values of the {@code c4j.*} metadata_props ({@link MetadataKeys}) a contrastive4j
 * export carries; foreign models simply lack them, and the readers return {@code null} (or an empty list). A malformed
 * value is an {@link IOException} naming the model file and the key.
 */
public final class ModelMetadata {

    private static final Gson GSON = new Gson();

    private ModelMetadata() {}

    /** The JSON text stored for an int array, e.g. {@code [1,28,28]}. */
    public static String ints(int[] values) {
        return GSON.toJson(values);
    }

    public static String floats(float[] values) {
        return GSON.toJson(values);
    }

    public static String strings(List<String> values) {
        return GSON.toJson(values);
    }

    /** Any JSON-serialisable value (maps, lists, numbers). */
    public static String json(Object value) {
        return GSON.toJson(value);
    }

    public static int[] intArray(Path model, Map<String, String> meta, String key) throws IOException {
        JsonArray a = array(model, meta, key);
        if (a == null) {
            return null;
        }
        int[] r = new int[a.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = (int) number(model, key, a.get(i));
            if (r[i] != number(model, key, a.get(i)) || r[i] < 1) {
                throw new IOException(model + ": metadata " + key + " must hold positive integers, got " + meta.get(key));
            }
        }
        return r;
    }

    public static float[] floatArray(Path model, Map<String, String> meta, String key) throws IOException {
        JsonArray a = array(model, meta, key);
        if (a == null) {
            return null;
        }
        float[] r = new float[a.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = (float) number(model, key, a.get(i));
        }
        return r;
    }

    public static List<String> stringList(Path model, Map<String, String> meta, String key) throws IOException {
        JsonArray a = array(model, meta, key);
        List<String> r = new ArrayList<>();
        if (a != null) {
            for (JsonElement e : a) {
                if (!e.isJsonPrimitive()) {
                    throw new IOException(model + ": metadata " + key + " must be a JSON array of strings");
                }
                r.add(e.getAsString());
            }
        }
        return r;
    }

    private static JsonArray array(Path model, Map<String, String> meta, String key) throws IOException {
        String text = meta.get(key);
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            JsonElement e = JsonParser.parseString(text);
            if (!e.isJsonArray()) {
                throw new IOException(model + ": metadata " + key + " must be a JSON array, got " + text);
            }
            return e.getAsJsonArray();
        } catch (RuntimeException e) {
            throw new IOException(model + ": metadata " + key + " is not valid JSON: " + text, e);
        }
    }

    private static double number(Path model, String key, JsonElement e) throws IOException {
        try {
            return e.getAsDouble();
        } catch (RuntimeException ex) {
            throw new IOException(model + ": metadata " + key + " must hold numbers, found " + e, ex);
        }
    }
}
