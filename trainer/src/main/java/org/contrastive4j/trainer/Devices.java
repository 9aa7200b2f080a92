package org.contrastive4j.trainer;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.ArrayList;
import java.util.List;
import org.contrastive4j.core.device.DeviceSpec;
import org.contrastive4j.models.DjlRuntime;

/** Resolves a {@link DeviceSpec} ({@code auto|cpu|gpu|gpu:N|gpu:0,1}) against what DJL's PyTorch engine can see. */
public final class Devices {

    static final String CUDA_HELP = "DJL's Maven natives are CPU-only: point PYTORCH_LIBRARY_PATH at a CUDA 12.8 build of "
            + "PyTorch 2.7.1 (libtorch cu128) and set PYTORCH_FLAVOR=cu128 (see README, 'GPU')";

    private Devices() {}

    /** The devices to train on for {@code spec} (see {@link DeviceSpec}); the first is where the loss is computed. */
    public static List<Device> resolve(String spec) {
        return resolve(DeviceSpec.parse(spec == null ? "auto" : spec));
    }

    public static List<Device> resolve(DeviceSpec spec) {
        Engine engine = DjlRuntime.engine();
        int gpus = engine.getGpuCount();
        return switch (spec.kind()) {
            case AUTO -> List.of(gpus > 0 ? Device.gpu(0) : Device.cpu());
            case CPU -> List.of(Device.cpu());
            case GPU -> {
                List<Device> devices = new ArrayList<>();
                for (int n : spec.gpus()) {
                    requireGpus(gpus, n + 1, spec.toString());
                    devices.add(Device.gpu(n));
                }
                yield List.copyOf(devices);
            }
        };
    }

    private static void requireGpus(int visible, int needed, String spec) {
        if (visible < needed) {
            throw new IllegalArgumentException("--device " + spec + ": " + (visible == 0 ? "no GPU is visible"
                    : "only " + visible + " GPU(s) are visible") + " to PyTorch; " + CUDA_HELP);
        }
    }
}
