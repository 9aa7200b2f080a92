package org.contrastive4j.core.cli;

import java.util.Map;

/**
 * Versions a module contributes to {@code c4j --version} (e.g. DJL and PyTorch from the trainer, ONNX Runtime from
 * the inference module). Found with {@link java.util.ServiceLoader}, like the commands.
 */
public interface ComponentVersions {

    /** Component name to version, in display order. */
    Map<String, String> versions();
}
