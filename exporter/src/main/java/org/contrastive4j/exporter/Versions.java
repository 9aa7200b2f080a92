package org.contrastive4j.exporter;

import ai.djl.engine.Engine;
import com.google.gson.Gson;
import java.util.LinkedHashMap;
import java.util.Map;
import org.contrastive4j.core.contract.ToolkitVersion;
import org.contrastive4j.models.DjlRuntime;

/** Versions of the toolkit and the engines it ran with, for provenance. */
public final class Versions {

    private Versions() {}

    /** The toolkit's version (the one source is {@link ToolkitVersion}). */
    public static String contrastive4j() {
        return ToolkitVersion.get();
    }

    /** {"contrastive4j": ..., "djl": ..., "pytorch": ..., "onnxruntime": ...} */
    public static String json() {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("contrastive4j", contrastive4j());
        v.put("djl", Engine.getDjlVersion());
        v.put("pytorch", DjlRuntime.engine().getVersion());
        v.put("onnxruntime", OrtRuntime.environment().getVersion());
        return new Gson().toJson(v);
    }
}
