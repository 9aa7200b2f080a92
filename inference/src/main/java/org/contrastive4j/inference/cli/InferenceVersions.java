package org.contrastive4j.inference.cli;

import ai.onnxruntime.OrtProvider;
import java.util.Map;
import org.contrastive4j.core.cli.ComponentVersions;
import org.contrastive4j.inference.OrtRuntime;

/** ONNX Runtime's version and execution providers, for {@code c4j --version}. */
public final class InferenceVersions implements ComponentVersions {

    @Override
    public Map<String, String> versions() {
        String providers = String.join(", ", OrtRuntime.providers().stream().map(OrtProvider::name).sorted().toList());
        return Map.of("onnxruntime", OrtRuntime.environment().getVersion() + " (providers: " + providers + ")");
    }
}
