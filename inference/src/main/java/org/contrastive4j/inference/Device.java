package org.contrastive4j.inference;

import java.util.Locale;

/**
 * Where a model runs: {@code cpu}, {@code cuda} / {@code cuda:N}, or {@code auto} (CUDA when this ONNX Runtime build
 * and machine provide it, else CPU).
 *
 * @param kind the device kind
 * @param index the CUDA device ordinal (0 unless {@code cuda:N})
 */
public record Device(Kind kind, int index) {

    public enum Kind { CPU, CUDA, AUTO }

    public static final Device CPU = new Device(Kind.CPU, 0);
    public static final Device AUTO = new Device(Kind.AUTO, 0);

    public Device {
        if (index < 0) {
            throw new IllegalArgumentException("device index must be >= 0, got " + index);
        }
    }

    /** Parses {@code cpu}, {@code cuda}, {@code cuda:N}, {@code gpu} (same as cuda) or {@code auto}. */
    public static Device parse(String text) {
        String s = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        switch (s) {
            case "cpu":
                return CPU;
            case "auto":
                return AUTO;
            case "cuda":
            case "gpu":
                return new Device(Kind.CUDA, 0);
            default:
                if (s.startsWith("cuda:")) {
                    try {
                        return new Device(Kind.CUDA, Integer.parseInt(s.substring(5)));
                    } catch (NumberFormatException e) {
                        // fall through to the message below
                    }
                }
                throw new IllegalArgumentException("unknown device '" + text + "' (expected cpu, cuda, cuda:N or auto)");
        }
    }

    @Override
    public String toString() {
        return switch (kind) {
            case CPU -> "cpu";
            case AUTO -> "auto";
            case CUDA -> "cuda:" + index;
        };
    }
}
