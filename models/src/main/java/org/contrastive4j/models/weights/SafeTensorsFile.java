package org.contrastive4j.models.weights;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors format (Hugging Face): an 8-byte little-endian header length N, N bytes of UTF-8 JSON mapping each
 * tensor name to {@code {"dtype", "shape", "data_offsets": [begin, end]}} (offsets relative to the end of the header;
 * an optional {@code "__metadata__"} string map), then the raw little-endian data.
 *
 * <p>The header is untrusted: its length is checked against the file size (and a 100 MB cap, safetensors' own)
 * before it is read, and every entry's dtype, shape, byte count and offsets are checked against each other and the
 * file size before any tensor is allocated; overlapping tensors are refused. Tensors are read one at a time.
 */
public final class SafeTensorsFile implements WeightFile {

    /** Safetensors' own limit on the header size. */
    public static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;
    /** The largest tensor a float[] holds. */
    static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    private record Span(long begin, long end) {}

    private final Path path;
    private final FileChannel channel;
    private final Map<String, TensorEntry> tensors;
    private final Map<String, Span> spans;
    private final Map<String, String> metadata;

    private SafeTensorsFile(Path path, FileChannel channel, Map<String, TensorEntry> tensors, Map<String, Span> spans,
            Map<String, String> metadata) {
        this.path = path;
        this.channel = channel;
        this.tensors = Collections.unmodifiableMap(tensors);
        this.spans = spans;
        this.metadata = Map.copyOf(metadata);
    }

    public static SafeTensorsFile open(Path file) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        try {
            return read(file, ch);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private static SafeTensorsFile read(Path file, FileChannel ch) throws IOException {
        long size = ch.size();
        if (size < 8) {
            throw new WeightsException(file, "not a safetensors (nor torch.save) file: " + size
                    + " bytes, shorter than the 8-byte header length");
        }
        ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        WeightFiles.readFully(file, ch, len, 0);
        long headerBytes = len.getLong(0);
        if (headerBytes < 2 || headerBytes > size - 8) {
            throw new WeightsException(file, "not a safetensors (nor torch.save) file: the header length "
                    + Long.toUnsignedString(headerBytes) + " does not fit in the file's " + size + " bytes");
        }
        if (headerBytes > MAX_HEADER_BYTES) {
            throw new WeightsException(file, "safetensors header of " + headerBytes + " bytes is larger than the "
                    + MAX_HEADER_BYTES + "-byte limit");
        }
        ByteBuffer header = ByteBuffer.allocate((int) headerBytes);
        WeightFiles.readFully(file, ch, header, 8);
        header.flip();
        String json;
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(header);
            json = chars.toString();
        } catch (CharacterCodingException e) {
            throw new WeightsException(file, "safetensors header is not UTF-8 text");
        }
        JsonElement parsed;
        try {
            parsed = JsonParser.parseString(json);
        } catch (RuntimeException e) {
            throw new WeightsException(file, "safetensors header is not valid JSON (" + e.getMessage() + ")");
        }
        if (!parsed.isJsonObject()) {
            throw new WeightsException(file, "safetensors header must be a JSON object");
        }
        long dataStart = 8 + headerBytes;
        long dataBytes = size - dataStart;
        Map<String, TensorEntry> tensors = new LinkedHashMap<>();
        Map<String, Span> spans = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : parsed.getAsJsonObject().entrySet()) {
            String name = e.getKey();
            if (name.equals("__metadata__")) {
                metadata.putAll(metadata(file, e.getValue()));
                continue;
            }
            if (!e.getValue().isJsonObject()) {
                throw new WeightsException(file, "tensor '" + name + "': header entry is not a JSON object");
            }
            JsonObject t = e.getValue().getAsJsonObject();
            DType dtype = DType.parse(string(file, name, t, "dtype"));
            if (dtype == null) {
                throw new WeightsException(file, "tensor '" + name + "': unknown dtype '" + t.get("dtype").getAsString() + "'");
            }
            long[] shape = longs(file, name, t, "shape", -1);
            long[] offsets = longs(file, name, t, "data_offsets", 2);
            long numel = 1;
            for (long d : shape) {
                if (d != 0 && numel > Long.MAX_VALUE / 8 / d) {
                    throw new WeightsException(file, "tensor '" + name + "': shape " + Arrays.toString(shape)
                            + " is too large");
                }
                numel *= d;
            }
            long begin = offsets[0];
            long end = offsets[1];
            if (begin > end || end > dataBytes) {
                throw new WeightsException(file, "tensor '" + name + "': data_offsets [" + begin + ", " + end
                        + "] lie outside the " + dataBytes + " data bytes");
            }
            if (end - begin != numel * dtype.bytes()) {
                throw new WeightsException(file, "tensor '" + name + "': " + dtype + " shape "
                        + Arrays.toString(shape) + " needs " + numel * dtype.bytes() + " bytes, data_offsets give "
                        + (end - begin));
            }
            tensors.put(name, new TensorEntry(name, dtype, shape));
            spans.put(name, new Span(dataStart + begin, dataStart + end));
        }
        List<Map.Entry<String, Span>> sorted = new ArrayList<>(spans.entrySet());
        sorted.sort(Comparator.comparingLong(s -> s.getValue().begin()));
        String last = null;
        long lastEnd = 0;
        for (Map.Entry<String, Span> s : sorted) {
            if (s.getValue().end() == s.getValue().begin()) {
                continue;
            }
            if (s.getValue().begin() < lastEnd) {
                throw new WeightsException(file, "tensors '" + last + "' and '" + s.getKey() + "' overlap in the data section");
            }
            last = s.getKey();
            lastEnd = s.getValue().end();
        }
        return new SafeTensorsFile(file, ch, tensors, spans, metadata);
    }

    private static Map<String, String> metadata(Path file, JsonElement m) throws WeightsException {
        if (!m.isJsonObject()) {
            throw new WeightsException(file, "safetensors __metadata__ must be a JSON object of strings");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : m.getAsJsonObject().entrySet()) {
            if (!(e.getValue() instanceof JsonPrimitive p) || !p.isString()) {
                throw new WeightsException(file, "safetensors __metadata__ value '" + e.getKey() + "' is not a string");
            }
            out.put(e.getKey(), p.getAsString());
        }
        return out;
    }

    private static String string(Path file, String tensor, JsonObject t, String key) throws WeightsException {
        JsonElement v = t.get(key);
        if (!(v instanceof JsonPrimitive p) || !p.isString()) {
            throw new WeightsException(file, "tensor '" + tensor + "': '" + key + "' is missing or not a string");
        }
        return p.getAsString();
    }

    /** A JSON array of non-negative integers ({@code length} of them, or any number when -1). */
    private static long[] longs(Path file, String tensor, JsonObject t, String key, int length) throws WeightsException {
        JsonElement v = t.get(key);
        if (v == null || !v.isJsonArray() || (length >= 0 && v.getAsJsonArray().size() != length)) {
            throw new WeightsException(file, "tensor '" + tensor + "': '" + key + "' is missing or not an array"
                    + (length >= 0 ? " of " + length + " integers" : " of integers"));
        }
        long[] r = new long[v.getAsJsonArray().size()];
        for (int i = 0; i < r.length; i++) {
            JsonElement x = v.getAsJsonArray().get(i);
            long n;
            try {
                if (!(x instanceof JsonPrimitive p) || !p.isNumber()) {
                    throw new NumberFormatException();
                }
                n = p.getAsBigDecimal().longValueExact();
            } catch (ArithmeticException | NumberFormatException e) {
                n = -1;
            }
            if (n < 0) {
                throw new WeightsException(file, "tensor '" + tensor + "': '" + key + "' entry " + x
                        + " is not a non-negative integer");
            }
            r[i] = n;
        }
        return r;
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public String format() {
        return "safetensors";
    }

    @Override
    public Map<String, TensorEntry> tensors() {
        return tensors;
    }

    /** The header's {@code __metadata__} string map (empty when absent). */
    public Map<String, String> metadata() {
        return metadata;
    }

    @Override
    public float[] floats(String name) throws IOException {
        TensorEntry t = tensors.get(name);
        if (t == null) {
            throw new WeightsException(path, "no tensor '" + name + "'");
        }
        if (!t.dtype().floating()) {
            throw new WeightsException(path, "tensor '" + name + "' is " + t.dtype() + ", not a floating-point type");
        }
        Span s = spans.get(name);
        if (s.end() - s.begin() > MAX_ELEMENTS) {
            throw new WeightsException(path, "tensor '" + name + "' " + t.shapeText() + " is too large to read at once");
        }
        ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(s.end() - s.begin()));
        WeightFiles.readFully(path, channel, buf, s.begin());
        buf.flip();
        float[] out = new float[(int) t.numel()];
        t.dtype().toFloats(buf, out);
        return out;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
