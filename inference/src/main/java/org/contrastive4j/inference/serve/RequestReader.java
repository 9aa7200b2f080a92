package org.contrastive4j.inference.serve;

import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.contrastive4j.core.image.DecodedImage;
import org.contrastive4j.core.image.ImageDecoder;
import org.contrastive4j.core.image.ImageFit;
import org.contrastive4j.inference.Embedder;
import org.contrastive4j.inference.ModelInfo;

/**
 * Reads request bodies into raw sample rows for the model, streaming (no JSON tree): rows of numbers (flat, or nested
 * in the sample's shape), base64 PNG/JPEG images decoded and fitted exactly as the CLI reads image files
 * ({@link ImageDecoder}, then {@link ImageFit#toInput} to the model's {@code [C, H, W]}), and v2 FP32 tensors. Every
 * row is checked (value count, finite numbers) before it may join a batch, so one bad request never fails others.
 * Unknown fields are refused by name rather than ignored.
 */
final class RequestReader {

    /** Rows read from a request: {@code rows * sampleLength} raw values. */
    record Rows(float[] values, int rows) {}

    /** A {@code /embed} or {@code /classify} request; {@code topK} is 0 when the request leaves it to the server. */
    record Compact(Rows rows, int topK) {}

    /** A v2 infer request: its id (or null), its input rows, and the outputs asked for (empty: all). */
    record V2(String id, Rows rows, List<String> outputs) {}

    private static final String DATA_URL = "data:";

    private final ModelInfo info;
    private final int[] sampleShape;
    private final int sampleLength;
    private final int maxRows;
    private final ImageDecoder decoder;

    RequestReader(ModelInfo info, int maxRows, ImageDecoder decoder) {
        this.info = info;
        this.sampleShape = info.inputShape();
        this.sampleLength = info.inputLength();
        this.maxRows = maxRows;
        this.decoder = decoder;
    }

    /** Whether the model takes images ({@link ModelInfo#takesImages()}). */
    boolean takesImages() {
        return info.takesImages();
    }

    /** {@code {"inputs": [[...], ...]}} or {@code {"images": ["<base64>", ...]}}, plus {@code top_k} when allowed. */
    Compact compact(byte[] body, boolean allowTopK) {
        try (JsonReader r = reader(body)) {
            Rows rows = null;
            int topK = 0;
            expect(r, JsonToken.BEGIN_OBJECT, "the request body", "a JSON object");
            r.beginObject();
            while (r.hasNext()) {
                String key = r.nextName();
                switch (key) {
                    case "inputs" -> {
                        if (rows != null) {
                            throw ApiException.badRequest("give either 'inputs' or 'images', not both");
                        }
                        rows = inputs(r);
                    }
                    case "images" -> {
                        if (rows != null) {
                            throw ApiException.badRequest("give either 'inputs' or 'images', not both");
                        }
                        rows = images(r);
                    }
                    case "top_k" -> {
                        if (!allowTopK) {
                            throw ApiException.badRequest("unknown field 'top_k' (accepted: inputs, images)");
                        }
                        topK = positiveInt(r, "top_k");
                    }
                    default -> throw ApiException.badRequest("unknown field '" + key + "' (accepted: inputs, images"
                            + (allowTopK ? ", top_k)" : ")"));
                }
            }
            r.endObject();
            end(r);
            if (rows == null) {
                throw ApiException.badRequest("the request needs 'inputs' (rows of " + sampleLength + " numbers) or 'images' "
                        + "(base64 PNG or JPEG)");
            }
            return new Compact(rows, topK);
        } catch (IOException | IllegalStateException | NumberFormatException e) {
            throw malformed(e);
        }
    }

    /** A KServe v2 / Open Inference Protocol infer request with one FP32 input and JSON data. */
    V2 v2(byte[] body) {
        try (JsonReader r = reader(body)) {
            String id = null;
            Rows rows = null;
            List<String> outputs = new ArrayList<>();
            expect(r, JsonToken.BEGIN_OBJECT, "the request body", "a JSON object");
            r.beginObject();
            while (r.hasNext()) {
                String key = r.nextName();
                switch (key) {
                    case "id" -> id = string(r, "id");
                    case "parameters" -> parameters(r, "parameters", "binary_data_output");
                    case "inputs" -> rows = v2Inputs(r);
                    case "outputs" -> v2Outputs(r, outputs);
                    default -> throw ApiException.badRequest("unknown field '" + key
                            + "' (accepted: id, parameters, inputs, outputs)");
                }
            }
            r.endObject();
            end(r);
            if (rows == null) {
                throw ApiException.badRequest("the request needs 'inputs': [{\"name\": \"" + info.inputName()
                        + "\", \"shape\": [N, " + dims() + "], \"datatype\": \"FP32\", \"data\": [...]}]");
            }
            return new V2(id, rows, outputs);
        } catch (IOException | IllegalStateException | NumberFormatException e) {
            throw malformed(e);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The compact API

    private Rows inputs(JsonReader r) throws IOException {
        expect(r, JsonToken.BEGIN_ARRAY, "'inputs'", "an array of rows");
        FloatList values = new FloatList(sampleLength);
        r.beginArray();
        int rows = 0;
        if (r.peek() != JsonToken.BEGIN_ARRAY && r.peek() != JsonToken.END_ARRAY) {
            // One flat row: [x0, x1, ...]
            int n = numbers(r, values, "inputs");
            r.endArray();
            checkRow(n, "inputs");
            rows = 1;
        } else {
            while (r.hasNext()) {
                String where = "inputs[" + rows + "]";
                if (++rows > maxRows) {
                    throw tooManyRows();
                }
                expect(r, JsonToken.BEGIN_ARRAY, where, "an array of numbers");
                r.beginArray();
                int n = numbers(r, values, where);
                r.endArray();
                checkRow(n, where);
            }
            r.endArray();
        }
        if (rows == 0) {
            throw ApiException.badRequest("'inputs' is empty");
        }
        return finite(values.toArray(), rows);
    }

    private Rows images(JsonReader r) throws IOException {
        if (!takesImages()) {
            throw ApiException.badRequest("model input " + Arrays.toString(sampleShape) + " is not an image ([C, H, W] with "
                    + "1 or 3 channels); send 'inputs'");
        }
        expect(r, JsonToken.BEGIN_ARRAY, "'images'", "an array of base64 strings");
        List<String> encoded = new ArrayList<>();
        r.beginArray();
        while (r.hasNext()) {
            if (encoded.size() == maxRows) {
                throw tooManyRows();
            }
            encoded.add(string(r, "images[" + encoded.size() + "]"));
        }
        r.endArray();
        if (encoded.isEmpty()) {
            throw ApiException.badRequest("'images' is empty");
        }
        int c = sampleShape[0];
        int h = sampleShape[1];
        int w = sampleShape[2];
        float[] values = new float[Math.multiplyExact(encoded.size(), sampleLength)];
        for (int i = 0; i < encoded.size(); i++) {
            String where = "images[" + i + "]";
            byte[] bytes = base64(encoded.get(i), where);
            encoded.set(i, null); // the decoded bytes replace it
            DecodedImage img;
            try {
                img = decoder.decode(bytes, where, h, w);
            } catch (IOException e) {
                throw ApiException.badRequest(e.getMessage());
            }
            ImageFit.toInput(img, c, h, w, values, i * sampleLength);
        }
        return new Rows(values, encoded.size());
    }

    private static byte[] base64(String text, String where) {
        String s = text;
        if (s.startsWith(DATA_URL)) {
            int comma = s.indexOf(',');
            if (comma < 0 || !s.substring(0, comma).endsWith(";base64")) {
                throw ApiException.badRequest(where + ": a data URL must be 'data:<type>;base64,<data>'");
            }
            s = s.substring(comma + 1);
        }
        try {
            return Base64.getDecoder().decode(s.strip());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(where + ": not valid base64 (" + e.getMessage() + ")");
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Open Inference Protocol

    private Rows v2Inputs(JsonReader r) throws IOException {
        expect(r, JsonToken.BEGIN_ARRAY, "'inputs'", "an array of input tensors");
        r.beginArray();
        Rows rows = null;
        int count = 0;
        while (r.hasNext()) {
            if (count++ > 0) {
                throw ApiException.badRequest("the model has one input ('" + info.inputName() + "'), the request gives more");
            }
            rows = v2Tensor(r);
        }
        r.endArray();
        if (rows == null) {
            throw ApiException.badRequest("'inputs' is empty; the model's input is '" + info.inputName() + "'");
        }
        return rows;
    }

    private Rows v2Tensor(JsonReader r) throws IOException {
        expect(r, JsonToken.BEGIN_OBJECT, "inputs[0]", "a tensor object");
        r.beginObject();
        String name = null;
        String datatype = null;
        long[] shape = null;
        FloatList data = null;
        int values = 0;
        while (r.hasNext()) {
            String key = r.nextName();
            switch (key) {
                case "name" -> name = string(r, "inputs[0].name");
                case "datatype" -> datatype = string(r, "inputs[0].datatype");
                case "shape" -> shape = shape(r);
                case "parameters" -> parameters(r, "inputs[0].parameters");
                case "data" -> {
                    expect(r, JsonToken.BEGIN_ARRAY, "inputs[0].data", "an array of numbers");
                    data = new FloatList(sampleLength);
                    r.beginArray();
                    values = numbers(r, data, "inputs[0].data");
                    r.endArray();
                }
                default -> throw ApiException.badRequest("unknown field 'inputs[0]." + key
                        + "' (accepted: name, shape, datatype, parameters, data)");
            }
        }
        r.endObject();
        if (name == null || !name.equals(info.inputName())) {
            throw ApiException.badRequest("unknown input '" + name + "' (the model's input is '" + info.inputName() + "')");
        }
        if (!"FP32".equals(datatype)) {
            throw ApiException.badRequest("input '" + name + "' has datatype " + datatype + "; this model takes FP32");
        }
        if (shape == null || data == null) {
            throw ApiException.badRequest("input '" + name + "' needs 'shape' and 'data'");
        }
        if (!fits(shape)) {
            throw ApiException.badRequest("input '" + name + "' has shape " + Arrays.toString(shape) + " but the model takes [N, "
                    + dims() + "]");
        }
        if (shape[0] > maxRows) {
            throw tooManyRows();
        }
        int rows = (int) shape[0];
        if (rows == 0) {
            throw ApiException.badRequest("input '" + name + "' has no rows (shape " + Arrays.toString(shape) + ")");
        }
        if (values != (long) rows * sampleLength) {
            throw ApiException.badRequest("input '" + name + "' has shape " + Arrays.toString(shape) + " (" + (long) rows * sampleLength
                    + " values) but 'data' has " + values);
        }
        return finite(data.toArray(), rows);
    }

    /** {@code [N, ...sample shape]} or {@code [N, sample length]}. */
    private boolean fits(long[] shape) {
        if (shape.length < 2 || shape[0] < 0) {
            return false;
        }
        if (shape.length == 2 && shape[1] == sampleLength) {
            return true;
        }
        if (shape.length != sampleShape.length + 1) {
            return false;
        }
        for (int i = 0; i < sampleShape.length; i++) {
            if (shape[i + 1] != sampleShape[i]) {
                return false;
            }
        }
        return true;
    }

    private long[] shape(JsonReader r) throws IOException {
        expect(r, JsonToken.BEGIN_ARRAY, "inputs[0].shape", "an array of integers");
        List<Long> dims = new ArrayList<>();
        r.beginArray();
        while (r.hasNext()) {
            expect(r, JsonToken.NUMBER, "inputs[0].shape", "an array of integers");
            try {
                dims.add(Long.parseLong(r.nextString()));
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("inputs[0].shape must hold integers");
            }
            if (dims.size() > 16) {
                throw ApiException.badRequest("inputs[0].shape has more than 16 dimensions");
            }
        }
        r.endArray();
        return dims.stream().mapToLong(Long::longValue).toArray();
    }

    private void v2Outputs(JsonReader r, List<String> outputs) throws IOException {
        expect(r, JsonToken.BEGIN_ARRAY, "'outputs'", "an array of {\"name\": ...}");
        r.beginArray();
        while (r.hasNext()) {
            String where = "outputs[" + outputs.size() + "]";
            expect(r, JsonToken.BEGIN_OBJECT, where, "an object with a name");
            r.beginObject();
            String name = null;
            while (r.hasNext()) {
                String key = r.nextName();
                switch (key) {
                    case "name" -> name = string(r, where + ".name");
                    case "parameters" -> parameters(r, where + ".parameters", "binary_data");
                    default -> throw ApiException.badRequest("unknown field '" + where + "." + key + "' (accepted: name, parameters)");
                }
            }
            r.endObject();
            if (name == null || !info.hasOutput(name)) {
                throw ApiException.badRequest("model has no output '" + name + "' (outputs: " + String.join(", ", info.outputNames())
                        + ")");
            }
            if (!outputs.contains(name)) {
                outputs.add(name);
            }
        }
        r.endArray();
    }

    /**
     * Request parameters: only the binary-data switches are understood, and only turned off (this server sends and
     * takes JSON data); anything else is refused rather than ignored.
     */
    private static void parameters(JsonReader r, String where, String... binarySwitches) throws IOException {
        expect(r, JsonToken.BEGIN_OBJECT, where, "an object");
        r.beginObject();
        while (r.hasNext()) {
            String key = r.nextName();
            if (Arrays.asList(binarySwitches).contains(key) && r.peek() == JsonToken.BOOLEAN) {
                if (r.nextBoolean()) {
                    throw ApiException.badRequest(where + "." + key + ": binary tensor data is not supported by this server; "
                            + "ask for JSON data (binary_data=false)");
                }
            } else {
                throw ApiException.badRequest("unsupported parameter '" + where + "." + key + "'");
            }
        }
        r.endObject();
    }

    private String dims() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < sampleShape.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(sampleShape[i]);
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Numbers

    /**
     * Reads numbers up to the end of the current array, descending into nested arrays (a row may be given in its
     * sample shape); returns how many were read. NaN and infinities are read (and refused later, with their position).
     */
    private int numbers(JsonReader r, FloatList out, String where) throws IOException {
        int n = 0;
        while (r.hasNext()) {
            JsonToken t = r.peek();
            if (t == JsonToken.BEGIN_ARRAY) {
                r.beginArray();
                n += numbers(r, out, where);
                r.endArray();
            } else if (t == JsonToken.NUMBER) {
                out.add(Float.parseFloat(r.nextString()));
                n++;
            } else if (t == JsonToken.STRING) {
                String s = r.nextString();
                if (!s.equals("NaN") && !s.equals("Infinity") && !s.equals("-Infinity")) {
                    throw ApiException.badRequest(where + " holds \"" + abbreviate(s) + "\", not a number");
                }
                out.add(Float.parseFloat(s));
                n++;
            } else {
                throw ApiException.badRequest(where + " holds " + t.name().toLowerCase(Locale.ROOT) + ", not a number");
            }
            if (out.size() > (long) maxRows * sampleLength) {
                throw tooManyRows();
            }
        }
        return n;
    }

    private void checkRow(int n, String where) {
        if (n != sampleLength) {
            throw ApiException.badRequest("expected " + sampleLength + " values per sample (model input "
                    + Arrays.toString(sampleShape) + ") but " + where + " has " + n);
        }
    }

    private Rows finite(float[] values, int rows) {
        try {
            for (int i = 0; i < rows; i++) {
                Embedder.checkFinite(values, i * sampleLength, sampleLength, i);
            }
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        return new Rows(values, rows);
    }

    private ApiException tooManyRows() {
        return ApiException.tooLarge("the request has more than " + maxRows + " rows (--max-request-rows " + maxRows
                + "); split it");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // JSON plumbing

    private static JsonReader reader(byte[] body) {
        JsonReader r = new JsonReader(new InputStreamReader(new ByteArrayInputStream(body), StandardCharsets.UTF_8));
        r.setStrictness(Strictness.LENIENT); // so that NaN / Infinity (Python's json.dumps writes them) reach the check
        return r;
    }

    private static void expect(JsonReader r, JsonToken token, String what, String shape) throws IOException {
        JsonToken t = r.peek();
        if (t != token) {
            throw ApiException.badRequest(what + " must be " + shape + ", got " + t.name().toLowerCase(Locale.ROOT));
        }
    }

    private static String string(JsonReader r, String what) throws IOException {
        expect(r, JsonToken.STRING, what, "a string");
        return r.nextString();
    }

    private static int positiveInt(JsonReader r, String what) throws IOException {
        expect(r, JsonToken.NUMBER, what, "a positive integer");
        String s = r.nextString();
        try {
            int v = Integer.parseInt(s);
            if (v >= 1) {
                return v;
            }
        } catch (NumberFormatException e) {
            // falls through to the message below
        }
        throw ApiException.badRequest(what + " must be a positive integer, got " + s);
    }

    private static void end(JsonReader r) throws IOException {
        if (r.peek() != JsonToken.END_DOCUMENT) {
            throw ApiException.badRequest("unexpected content after the JSON object");
        }
    }

    private static ApiException malformed(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int see = m.indexOf("\nSee ");
        return ApiException.badRequest("malformed JSON: " + (see > 0 ? m.substring(0, see) : m).replaceAll("\\s*\\R\\s*", " "));
    }

    private static String abbreviate(String s) {
        return s.length() <= 20 ? s : s.substring(0, 20) + "...";
    }

    /** A growable float array. */
    private static final class FloatList {
        private float[] a;
        private int n;

        FloatList(int capacity) {
            a = new float[Math.max(16, capacity)];
        }

        void add(float v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, a.length * 2);
            }
            a[n++] = v;
        }

        int size() {
            return n;
        }

        float[] toArray() {
            return n == a.length ? a : Arrays.copyOf(a, n);
        }
    }
}
