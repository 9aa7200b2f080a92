package org.contrastive4j.inference.serve;

import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.contrastive4j.core.contract.ToolkitVersion;
import org.contrastive4j.core.data.FloatText;
import org.contrastive4j.core.knn.KnnIndex;
import org.contrastive4j.core.knn.Prediction;
import org.contrastive4j.inference.Classifier;
import org.contrastive4j.inference.ModelInfo;

/**
 * The JSON the server answers with. Floats are written as {@link Float#toString} writes them (the shortest text that
 * reads back as the same float; {@link FloatText}, faster), so a client that parses them as float32 gets the server's
 * values bit for bit.
 */
final class Responses {

    /** The v2 platform name of an ONNX model, as Triton reports it. */
    static final String PLATFORM = "onnxruntime_onnx";

    private Responses() {}

    static String error(String message) {
        return write(w -> w.beginObject().name("error").value(message).endObject());
    }

    static String status(String key, Object value) {
        return write(w -> {
            w.beginObject().name(key);
            if (value instanceof Boolean b) {
                w.value(b);
            } else {
                w.value(String.valueOf(value));
            }
            w.endObject();
        });
    }

    /** {@code GET /v2/models/{name}/ready}. */
    static String v2Ready(String modelName) {
        return write(w -> w.beginObject().name("name").value(modelName).name("ready").value(true).endObject());
    }

    /** {@code /embed}: one array of floats per row, as text-embeddings-inference answers. */
    static String embeddings(Object[] rows, String output) {
        return write(w -> {
            w.beginArray();
            for (int i = 0; i < rows.length; i++) {
                floats(w, (float[]) rows[i], output, i);
            }
            w.endArray();
        });
    }

    /**
     * {@code /classify}: per row the label, its class name and score, then the {@code topK} most probable classes
     * (the model's head) or the k nearest reference samples (a k-NN index).
     */
    static String classifications(Object[] rows, int topK, ServedModel model) {
        List<String> names = model.classNames();
        return write(w -> {
            w.beginArray();
            for (Object row : rows) {
                Classification c = (Classification) row;
                Prediction p = c.prediction();
                w.beginObject();
                w.name("label").value(p.label());
                w.name("class_name").value(p.className());
                w.name("score").jsonValue(number(p.score()));
                if (c.probabilities() != null) {
                    w.name("top_k").beginArray();
                    for (int cls : topClasses(c.probabilities(), topK)) {
                        w.beginObject().name("label").value(cls).name("class_name").value(className(names, cls))
                                .name("score").jsonValue(number(c.probabilities()[cls])).endObject();
                    }
                    w.endArray();
                } else if (p.neighbors() != null) {
                    w.name("neighbors").beginArray();
                    for (int j = 0; j < p.neighbors().length; j++) {
                        int ref = p.neighbors()[j];
                        int label = model.referenceLabel(ref);
                        w.beginObject().name("index").value(ref).name("label").value(label)
                                .name("class_name").value(className(names, label))
                                .name("distance").jsonValue(number(p.distances()[j])).endObject();
                    }
                    w.endArray();
                }
                w.endObject();
            }
            w.endArray();
        });
    }

    /** The {@code k} most probable classes, most probable first; ties keep the lower class first (as the label does). */
    static int[] topClasses(float[] probabilities, int k) {
        Integer[] order = new Integer[probabilities.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Float.compare(probabilities[b], probabilities[a])); // stable: ties stay in class order
        int n = Math.min(k, order.length);
        int[] top = new int[n];
        for (int i = 0; i < n; i++) {
            top[i] = order[i];
        }
        return top;
    }

    private static String className(List<String> names, int label) {
        return label < names.size() ? names.get(label) : Integer.toString(label);
    }

    /** A v2 infer response: one FP32 tensor per output asked for. */
    static String v2Infer(String modelName, String id, List<String> outputs, Object[][] results, int rows, ModelInfo info) {
        return write(w -> {
            w.beginObject();
            w.name("model_name").value(modelName);
            if (id != null) {
                w.name("id").value(id);
            }
            w.name("outputs").beginArray();
            for (int o = 0; o < outputs.size(); o++) {
                String name = outputs.get(o);
                Object[] out = results[o];
                int len = rows == 0 ? 0 : ((float[]) out[0]).length;
                w.beginObject();
                w.name("name").value(name);
                w.name("datatype").value("FP32");
                w.name("shape").beginArray().value(rows);
                for (long d : outputDims(info.outputShapes().get(name), len)) {
                    w.value(d);
                }
                w.endArray();
                StringBuilder data = new StringBuilder(16 * len * out.length + 2).append('[');
                for (int i = 0; i < out.length; i++) {
                    appendFinite(data, (float[]) out[i], name, i, i > 0);
                }
                w.name("data").jsonValue(data.append(']').toString());
                w.endObject();
            }
            w.endArray();
            w.endObject();
        });
    }

    /** The graph's per-sample dimensions when it fixes them (and they hold {@code len} values), else {@code [len]}. */
    private static long[] outputDims(long[] graph, int len) {
        long p = 1;
        for (long d : graph) {
            p = d > 0 ? p * d : -1;
        }
        return graph.length > 0 && p == len ? graph : new long[] {len};
    }

    /** {@code GET /v2}: server metadata. */
    static String v2Server() {
        return write(w -> w.beginObject().name("name").value("contrastive4j").name("version").value(ToolkitVersion.get())
                .name("extensions").beginArray().endArray().endObject());
    }

    /** {@code GET /v2/models/{name}}: model metadata (tensor shapes with -1 for the batch). */
    static String v2Model(String modelName, ModelInfo info) {
        return write(w -> {
            w.beginObject();
            w.name("name").value(modelName);
            w.name("versions").beginArray().endArray();
            w.name("platform").value(PLATFORM);
            w.name("inputs").beginArray();
            w.beginObject().name("name").value(info.inputName()).name("datatype").value("FP32").name("shape").beginArray().value(-1);
            for (int d : info.inputShape()) {
                w.value(d);
            }
            w.endArray().endObject();
            w.endArray();
            w.name("outputs").beginArray();
            for (Map.Entry<String, long[]> e : info.outputShapes().entrySet()) {
                w.beginObject().name("name").value(e.getKey()).name("datatype").value("FP32").name("shape").beginArray().value(-1);
                for (long d : e.getValue()) {
                    w.value(d);
                }
                w.endArray().endObject();
            }
            w.endArray();
            w.endObject();
        });
    }

    /** {@code GET /info}: what is served and how. */
    static String info(ServedModel model, ServeConfig config, int concurrentBatches, boolean imageInput) {
        ModelInfo info = model.info();
        return write(w -> {
            w.beginObject();
            w.name("name").value(config.modelName());
            w.name("version").value(ToolkitVersion.get());
            w.name("model").beginObject();
            w.name("file").value(info.path().getFileName().toString());
            w.name("sha256").value(info.sha256());
            w.name("fingerprint").value(model.embedder().fingerprint().shortForm());
            w.name("device").value(info.device().toString());
            w.name("input").beginObject().name("name").value(info.inputName());
            w.name("shape").beginArray();
            for (int d : info.inputShape()) {
                w.value(d);
            }
            w.endArray();
            w.name("images").value(imageInput);
            w.endObject();
            w.name("outputs").beginObject();
            for (Map.Entry<String, long[]> e : info.outputShapes().entrySet()) {
                w.name(e.getKey()).beginArray();
                for (long d : e.getValue()) {
                    w.value(d);
                }
                w.endArray();
            }
            w.endObject();
            w.name("embedding_output").value(model.embeddingOutput());
            w.name("l2_normalize").value(model.embedder().options().l2Normalize());
            floatsOrNull(w.name("mean"), info.mean());
            floatsOrNull(w.name("std"), info.std());
            w.name("class_names").beginArray();
            for (String c : info.classNames()) {
                w.value(c);
            }
            w.endArray();
            w.endObject();
            w.name("classifier");
            Classifier classifier = model.classifier().orElse(null);
            if (classifier == null) {
                w.nullValue();
            } else {
                w.beginObject();
                w.name("kind").value(classifier.usesHead() ? "head" : "knn");
                w.name("class_names").beginArray();
                for (String c : classifier.classNames()) {
                    w.value(c);
                }
                w.endArray();
                KnnIndex index = classifier.index().orElse(null);
                if (index != null) {
                    w.name("index").beginObject();
                    w.name("source").value(index.source());
                    w.name("size").value(index.size());
                    w.name("dim").value(index.dim());
                    w.name("metric").value(index.metric().toString());
                    w.name("k").value(classifier.k());
                    w.name("vote").value(classifier.vote().toString());
                    w.endObject();
                }
                w.endObject();
            }
            w.name("limits").beginObject();
            w.name("max_batch_size").value(config.maxBatchSize());
            w.name("max_batch_delay_ms").value(config.maxBatchDelayMs());
            w.name("concurrent_batches").value(concurrentBatches);
            w.name("max_queue_rows").value(config.maxQueueRows());
            w.name("max_request_rows").value(config.maxRequestRows());
            w.name("max_body_bytes").value(config.maxBodyBytes());
            w.name("request_timeout_ms").value(config.requestTimeoutMs());
            w.endObject();
            w.name("auth").value(!config.apiKeys().isEmpty());
            w.endObject();
        });
    }

    private static void floatsOrNull(JsonWriter w, float[] v) throws IOException {
        if (v == null) {
            w.nullValue();
            return;
        }
        w.beginArray();
        for (float f : v) {
            w.jsonValue(number(f));
        }
        w.endArray();
    }

    /** One row as a JSON array, written as one raw value instead of number by number through the JSON writer. */
    private static void floats(JsonWriter w, float[] row, String output, int i) throws IOException {
        StringBuilder sb = new StringBuilder(16 * row.length + 2).append('[');
        appendFinite(sb, row, output, i, false);
        w.jsonValue(sb.append(']').toString());
    }

    /** Appends {@code row}'s values comma-separated (after a comma when {@code more}); they must be finite. */
    private static void appendFinite(StringBuilder sb, float[] row, String output, int i, boolean more) {
        for (int j = 0; j < row.length; j++) {
            float f = row[j];
            if (!Float.isFinite(f)) {
                throw new IllegalStateException("the model's output '" + output + "' is " + f + " for row " + i);
            }
            if (more || j > 0) {
                sb.append(',');
            }
            FloatText.append(sb, f);
        }
    }

    private static String number(float f) {
        return Float.isFinite(f) ? FloatText.append(new StringBuilder(16), f).toString() : "null";
    }

    private interface Body {
        void write(JsonWriter w) throws IOException;
    }

    private static String write(Body body) {
        StringWriter sw = new StringWriter(256);
        try (JsonWriter w = new JsonWriter(sw)) {
            body.write(w);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return sw.toString();
    }
}
