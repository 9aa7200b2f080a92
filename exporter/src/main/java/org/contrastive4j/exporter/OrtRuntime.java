package org.contrastive4j.exporter;

import ai.onnxruntime.OrtEnvironment;
import org.contrastive4j.core.device.NativeInit;

/**
 * The process's ONNX Runtime environment for the parity check, created once on a large-stack thread
 * ({@link NativeInit}); a singleton of ONNX Runtime's, never closed. (The exporter does not depend on the
 * {@code inference} module, whose class of the same name does the same for it.)
 */
final class OrtRuntime {

    private static volatile OrtEnvironment environment;

    private OrtRuntime() {}

    static OrtEnvironment environment() {
        OrtEnvironment e = environment;
        if (e == null) {
            synchronized (OrtRuntime.class) {
                e = environment;
                if (e == null) {
                    e = NativeInit.onLargeStack("onnxruntime-init", OrtEnvironment::getEnvironment);
                    environment = e;
                }
            }
        }
        return e;
    }
}
