package org.contrastive4j.exporter;

import ai.onnxruntime.OrtEnvironment;
import java.util.function.Supplier;
import org.contrastive4j.core.device.NativeInit;

/**
 * The process's ONNX Runtime environment for the parity check, created once on a large-stack thread
 * ({@link NativeInit}); a singleton of ONNX Runtime's, never closed. (The exporter does not depend on the
 * {@code inference} module, whose class of the same name does the same for it.)
 */
final class OrtRuntime {

    private static final Supplier<OrtEnvironment> ENVIRONMENT = NativeInit.once("onnxruntime-init",
            OrtEnvironment::getEnvironment);

    private OrtRuntime() {}

    static OrtEnvironment environment() {
        return ENVIRONMENT.get();
    }
}
