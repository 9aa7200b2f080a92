package org.contrastive4j.inference;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import java.util.EnumSet;
import java.util.function.Supplier;
import org.contrastive4j.core.device.NativeInit;

/**
 * The process's ONNX Runtime environment, the one way this module reaches it: created once, on a large-stack thread
 * ({@link NativeInit}: ONNX Runtime 1.29.0 crashes the JVM when first started on a default thread of a JVM with a
 * long command line). A process-wide singleton of ONNX Runtime's: never closed.
 */
public final class OrtRuntime {

    private static final Supplier<OrtEnvironment> ENVIRONMENT = NativeInit.once("onnxruntime-init",
            OrtEnvironment::getEnvironment);

    private OrtRuntime() {}

    public static OrtEnvironment environment() {
        return ENVIRONMENT.get();
    }

    /** The execution providers this ONNX Runtime build has (after starting it as {@link #environment()} does). */
    public static EnumSet<OrtProvider> providers() {
        environment();
        return OrtEnvironment.getAvailableProviders();
    }
}
