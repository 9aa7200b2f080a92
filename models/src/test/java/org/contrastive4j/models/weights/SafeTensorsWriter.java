package org.contrastive4j.models.weights;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writes safetensors files for tests, independently of the reader: raw tensors in order, a JSON header, padding. */
final class SafeTensorsWriter {

    /** One tensor: safetensors dtype name, shape and its raw little-endian bytes. */
    record Raw(String dtype, long[] shape, byte[] data) {
        static Raw f32(long[] shape, float... values) {
            ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
            for (float v : values) {
                b.putFloat(v);
            }
            return new Raw("F32", shape, b.array());
        }
    }

    private final Map<String, Raw> tensors = new LinkedHashMap<>();

    SafeTensorsWriter put(String name, Raw raw) {
        tensors.put(name, raw);
        return this;
    }

    SafeTensorsWriter putF32(String name, long[] shape, float... values) {
        return put(name, Raw.f32(shape, values));
    }

    Map<String, Raw> tensors() {
        return tensors;
    }

    /** Copies every tensor of {@code file} as F32 (floating) or its raw integer bytes re-encoded as I64. */
    static SafeTensorsWriter copyOf(WeightFile file) throws IOException {
        SafeTensorsWriter w = new SafeTensorsWriter();
        for (TensorEntry e : file.tensors().values()) {
            if (e.dtype().floating()) {
                w.putF32(e.name(), e.shape(), file.floats(e.name()));
            } else {
                long n = e.numel();
                w.put(e.name(), new Raw("I64", e.shape(), new byte[(int) (8 * n)]));
            }
        }
        return w;
    }

    String header() {
        JsonObject h = new JsonObject();
        long offset = 0;
        for (Map.Entry<String, Raw> e : tensors.entrySet()) {
            JsonObject t = new JsonObject();
            t.addProperty("dtype", e.getValue().dtype());
            JsonArray shape = new JsonArray();
            for (long d : e.getValue().shape()) {
                shape.add(d);
            }
            t.add("shape", shape);
            JsonArray off = new JsonArray();
            off.add(offset);
            off.add(offset + e.getValue().data().length);
            t.add("data_offsets", off);
            offset += e.getValue().data().length;
            h.add(e.getKey(), t);
        }
        return h.toString();
    }

    void write(Path file) throws IOException {
        write(file, header());
    }

    /** Writes with the given header text (for malformed-header tests) and this writer's data. */
    void write(Path file, String headerText) throws IOException {
        byte[] header = headerText.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array());
        out.write(header);
        for (Raw r : tensors.values()) {
            out.write(r.data());
        }
        Files.write(file, out.toByteArray());
    }
}
