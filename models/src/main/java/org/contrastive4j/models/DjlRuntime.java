package org.contrastive4j.models;

import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;

/**
 * The one entry point to DJL's PyTorch engine. Forces {@code ai.djl.offline=true} so DJL never downloads anything,
 * and turns a missing-natives failure into one sentence naming the Maven artifact that provides them.
 */
public final class DjlRuntime {

    public static final String NATIVES_ARTIFACT = "ai.djl.pytorch:pytorch-native-cpu:2.7.1:linux-x86_64";

    private DjlRuntime() {}

    /** Sets the offline flag; call before any other DJL use (every entry point does). */
    public static void offline() {
        System.setProperty("ai.djl.offline", "true");
    }

    /** Returns the PyTorch engine, failing with a clear message if its natives cannot be loaded offline. */
    public static Engine engine() {
        offline();
        try {
            Engine engine = Engine.getEngine("PyTorch");
            if (engine == null) {
                throw new IllegalStateException(missing(null));
            }
            return engine;
        } catch (EngineException | IllegalArgumentException | UnsatisfiedLinkError e) {
            throw new IllegalStateException(missing(e), e);
        }
    }

    private static String missing(Throwable cause) {
        return "DJL's PyTorch engine could not start offline: put " + NATIVES_ARTIFACT + " and "
                + "ai.djl.pytorch:pytorch-jni:2.7.1-0.35.1 on the class path (or set PYTORCH_LIBRARY_PATH to a "
                + "PyTorch 2.7.1 installation)" + (cause == null ? "" : " [" + cause.getMessage() + "]");
    }

    /** A one-line description of the engine, e.g. for provenance: "PyTorch 2.7.1 (DJL 0.35.1)". */
    public static String describe() {
        Engine e = engine();
        return e.getEngineName() + " " + e.getVersion() + " (DJL " + Engine.getDjlVersion() + ")";
    }
}
