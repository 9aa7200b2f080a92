package org.contrastive4j.core.device;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where to compute, in the one grammar every command uses: {@code auto} (a GPU when the engine can use one, else the
 * CPU), {@code cpu}, {@code gpu} (= {@code gpu:0}), {@code gpu:N}, or {@code gpu:0,1} (several GPUs, training only).
 * {@code cuda} is accepted everywhere {@code gpu} is. The default, for training and inference alike, is {@link #AUTO}.
 *
 * @param kind auto, cpu or gpu
 * @param gpus the GPU ordinals (one or more for {@code gpu}, empty otherwise)
 */
public record DeviceSpec(Kind kind, List<Integer> gpus) {

    /** The kind of device. */
    public enum Kind { AUTO, CPU, GPU }

    public static final DeviceSpec AUTO = new DeviceSpec(Kind.AUTO, List.of());
    public static final DeviceSpec CPU = new DeviceSpec(Kind.CPU, List.of());
    public static final String GRAMMAR = "auto, cpu, gpu, gpu:N or gpu:0,1 (cuda = gpu)";

    public DeviceSpec {
        gpus = List.copyOf(gpus);
        if ((kind == Kind.GPU) == gpus.isEmpty()) {
            throw new IllegalArgumentException(kind + " device with GPU ordinals " + gpus);
        }
        if (gpus.stream().anyMatch(g -> g < 0) || gpus.stream().distinct().count() != gpus.size()) {
            throw new IllegalArgumentException("GPU ordinals must be distinct and >= 0, got " + gpus);
        }
    }

    public static DeviceSpec gpu(int ordinal) {
        return new DeviceSpec(Kind.GPU, List.of(ordinal));
    }

    /** Parses the grammar above (case-insensitive, spaces ignored). */
    public static DeviceSpec parse(String text) {
        String s = text == null ? "" : text.replace(" ", "").toLowerCase(Locale.ROOT);
        switch (s) {
            case "auto":
                return AUTO;
            case "cpu":
                return CPU;
            case "gpu":
            case "cuda":
                return gpu(0);
            default:
                break;
        }
        String rest = s.startsWith("gpu:") ? s.substring(4) : s.startsWith("cuda:") ? s.substring(5) : null;
        if (rest != null && !rest.isEmpty()) {
            List<Integer> ordinals = new ArrayList<>();
            try {
                for (String part : rest.split(",", -1)) {
                    ordinals.add(Integer.parseInt(part));
                }
                return new DeviceSpec(Kind.GPU, ordinals);
            } catch (IllegalArgumentException e) {
                // reported below with the grammar
            }
        }
        throw new IllegalArgumentException("unknown device '" + text + "' (expected " + GRAMMAR + ")");
    }

    public boolean isGpu() {
        return kind == Kind.GPU;
    }

    /** The single GPU ordinal; fails with a clear message for several GPUs (inference runs on one device). */
    public int singleGpu() {
        if (gpus.size() != 1) {
            throw new IllegalArgumentException("device " + this + " names " + gpus.size() + " GPUs; this runs on one "
                    + "device (give gpu:N)");
        }
        return gpus.get(0);
    }

    /** The canonical text: {@code auto}, {@code cpu}, {@code gpu:0}, {@code gpu:0,1}. */
    @Override
    public String toString() {
        return switch (kind) {
            case AUTO -> "auto";
            case CPU -> "cpu";
            case GPU -> "gpu:" + String.join(",", gpus.stream().map(String::valueOf).toList());
        };
    }
}
