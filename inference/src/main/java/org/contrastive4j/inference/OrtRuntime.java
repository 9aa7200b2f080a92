package org.contrastive4j.inference;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import java.util.EnumSet;
import org.contrastive4j.core.device.NativeInit;

/**
 * The process's ONNX Runtime environment, the one way this module reaches it: created once, on a large-stack thread
 * ({@link NativeInit}: ONNX Runtime 1.29.0 crashes the JVM when first started on a default thread of a JVM with a
 * long command line). A process-wide singleton of ONNX Runtime's: never closed.
 */
public final class OrtRuntime {

    private static volatile OrtEnvironment environment;

    private OrtRuntime() {}

    public static OrtEnvironment environment() {
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

    /** The execution providers this ONNX Runtime build has (after starting it as {@link #environment()} does). */
    public static EnumSet<OrtProvider> providers() {
        environment();
        return OrtEnvironment.getAvailableProviders();
    }
}
