package org.contrastive4j.inference;

/** The requested execution device cannot be used (e.g. CUDA asked for, but the GPU runtime or its libraries are missing). */
public class DeviceUnavailableException extends IllegalStateException {

    public DeviceUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
