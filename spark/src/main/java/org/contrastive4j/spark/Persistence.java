package org.contrastive4j.spark;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.contrastive4j.core.contract.ToolkitVersion;

/**
 * Saving and loading the transformers with Spark ML's {@code MLWriter} / {@code MLReader}, so that they take part in
 * a saved {@code PipelineModel}. A saved transformer is a folder:
 *
 * <ul>
 *   <li>{@code metadata/}: one JSON line in the layout of Spark's {@code DefaultParamsWriter} ({@code class},
 *       {@code timestamp}, {@code sparkVersion}, {@code uid}, {@code paramMap}, {@code defaultParamMap}: each param's
 *       own JSON encoding), plus {@code c4j}: the toolkit version and, for each file param, the copied file and its
 *       SHA-256;</li>
 *   <li>{@code files/<param>/<file name>}: a copy of the model (and index), so the folder is self-contained; on
 *       loading, the file params point at these copies, after their SHA-256 has been checked.</li>
 * </ul>
 * No Java-serialised object is ever written.
 */
final class Persistence {

    static final String METADATA = "metadata";
    static final String FILES = "files";
    private static final Gson GSON = new Gson();

    private Persistence() {}

    static final class Writer extends MLWriter {
        private final OnnxTransformer<?> instance;

        Writer(OnnxTransformer<?> instance) {
            this.instance = instance;
        }

        @Override
        public void saveImpl(String path) {
            SparkSession spark = sparkSession();
            Configuration conf = spark.sparkContext().hadoopConfiguration();
            instance.checkParams();
            JsonObject files = new JsonObject();
            try {
                for (Param<String> p : instance.fileParams()) {
                    String source = instance.getOrDefault(p);
                    byte[] bytes = HadoopFiles.readAll(source, conf, p.name());
                    String relative = FILES + "/" + p.name() + "/" + HadoopFiles.fileName(source);
                    HadoopFiles.write(HadoopFiles.child(path, relative), bytes, conf);
                    JsonObject f = new JsonObject();
                    f.addProperty("file", relative);
                    f.addProperty("sha256", ShippedFile.sha256(bytes));
                    f.addProperty("source", source);
                    files.add(p.name(), f);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(instance.stage() + ": cannot save to " + path + ": " + e.getMessage(), e);
            }
            JsonObject m = new JsonObject();
            m.addProperty("class", instance.getClass().getName());
            m.addProperty("timestamp", System.currentTimeMillis());
            m.addProperty("sparkVersion", spark.version());
            m.addProperty("uid", instance.uid());
            m.add("paramMap", params(instance, true));
            m.add("defaultParamMap", params(instance, false));
            JsonObject c4j = new JsonObject();
            c4j.addProperty("toolkitVersion", ToolkitVersion.get());
            c4j.add("files", files);
            m.add("c4j", c4j);
            spark.createDataset(List.of(GSON.toJson(m)), Encoders.STRING()).coalesce(1).write()
                    .text(HadoopFiles.child(path, METADATA));
        }
    }

    /** The explicitly set ({@code set}) or default params, each as its own JSON encoding. */
    @SuppressWarnings("unchecked")
    private static JsonObject params(OnnxTransformer<?> t, boolean set) {
        JsonObject o = new JsonObject();
        for (Param<?> p : t.params()) {
            Param<Object> po = (Param<Object>) p;
            if (set ? t.isSet(po) : t.hasDefault(po)) {
                Object value = set ? t.get(po).get() : t.getDefault(po).get();
                o.add(p.name(), JsonParser.parseString(po.jsonEncode(value)));
            }
        }
        return o;
    }

    static final class Reader<T extends OnnxTransformer<T>> extends MLReader<T> {
        private final Class<T> type;

        Reader(Class<T> type) {
            this.type = type;
        }

        @Override
        public T load(String path) {
            SparkSession spark = sparkSession();
            Configuration conf = spark.sparkContext().hadoopConfiguration();
            String where = HadoopFiles.child(path, METADATA);
            JsonObject m;
            try {
                m = JsonParser.parseString(spark.read().text(where).first().getString(0)).getAsJsonObject();
            } catch (JsonParseException | IllegalStateException e) {
                throw new IllegalArgumentException(where + ": not a saved transformer's metadata (" + e.getMessage() + ")", e);
            }
            String saved = m.has("class") ? m.get("class").getAsString() : "?";
            if (!saved.equals(type.getName())) {
                throw new IllegalArgumentException(path + ": holds a saved " + saved + ", not a " + type.getName());
            }
            T t;
            try {
                t = type.getConstructor(String.class).newInstance(m.get("uid").getAsString());
            } catch (NoSuchMethodException | InstantiationException | IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException(type.getName() + " has no public (String uid) constructor", e);
            }
            for (Map.Entry<String, JsonElement> e : m.getAsJsonObject("paramMap").entrySet()) {
                if (!t.hasParam(e.getKey())) {
                    throw new IllegalArgumentException(where + ": unknown param '" + e.getKey() + "' for " + type.getSimpleName()
                            + " (saved by a newer contrastive4j?)");
                }
                t.setJson(e.getKey(), e.getValue().toString());
            }
            JsonObject files = m.has("c4j") ? m.getAsJsonObject("c4j").getAsJsonObject("files") : new JsonObject();
            for (Map.Entry<String, JsonElement> e : files.entrySet()) {
                JsonObject f = e.getValue().getAsJsonObject();
                String copy = HadoopFiles.child(path, f.get("file").getAsString());
                try {
                    String sha = ShippedFile.sha256(HadoopFiles.readAll(copy, conf, e.getKey()));
                    if (!sha.equals(f.get("sha256").getAsString())) {
                        throw new IOException(copy + ": SHA-256 " + sha + " differs from the saved " + f.get("sha256").getAsString()
                                + " (the file was changed after saving)");
                    }
                } catch (IOException x) {
                    throw new UncheckedIOException(path + ": cannot load: " + x.getMessage(), x);
                }
                t.setFile(e.getKey(), copy);
            }
            return t;
        }
    }
}
