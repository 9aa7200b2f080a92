package org.contrastive4j.exporter;

import ai.djl.engine.Engine;
import ai.onnxruntime.OrtEnvironment;
import com.google.gson.Gson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.contrastive4j.models.DjlRuntime;

/** Versions of the toolkit and the engines it ran with, for provenance. */
public final class Versions {

    private Versions() {}

    /** The Maven project version, filtered into version.properties at build time. */
    public static String contrastive4j() {
        try (InputStream in = Versions.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                throw new IllegalStateException("version.properties is missing from the exporter jar");
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {"contrastive4j": ..., "djl": ..., "pytorch": ..., "onnxruntime": ...} */
    public static String json() {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("contrastive4j", contrastive4j());
        v.put("djl", Engine.getDjlVersion());
        v.put("pytorch", DjlRuntime.engine().getVersion());
        v.put("onnxruntime", OrtEnvironment.getEnvironment().getVersion());
        return new Gson().toJson(v);
    }
}
