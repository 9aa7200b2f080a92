package org.contrastive4j.trainer;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.ArrayList;
import java.util.List;
import org.contrastive4j.models.DjlRuntime;

/** Resolves {@code --device auto|cpu|gpu|gpu:N|gpu:0,1} against what DJL's PyTorch engine can see. */
public final class Devices {

    static final String CUDA_HELP = "DJL's Maven natives are CPU-only: point PYTORCH_LIBRARY_PATH at a CUDA 12.8 build of "
            + "PyTorch 2.7.1 (libtorch cu128) and set PYTORCH_FLAVOR=cu128 (see README, 'GPU')";

    private Devices() {}

    /** The devices to train on; the first is where the loss is computed. */
    public static List<Device> resolve(String spec) {
        Engine engine = DjlRuntime.engine();
        int gpus = engine.getGpuCount();
        String s = spec == null ? "auto" : spec.trim().toLowerCase(java.util.Locale.ROOT);
        if (s.equals("auto")) {
            return List.of(gpus > 0 ? Device.gpu(0) : Device.cpu());
        }
        if (s.equals("cpu")) {
            return List.of(Device.cpu());
        }
        if (s.equals("gpu") || s.equals("cuda")) {
            requireGpus(gpus, 1, spec);
            return List.of(Device.gpu(0));
        }
        if (s.startsWith("gpu:") || s.startsWith("cuda:")) {
            List<Device> devices = new ArrayList<>();
            for (String id : s.substring(s.indexOf(':') + 1).split(",")) {
                int n;
                try {
                    n = Integer.parseInt(id.trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("--device " + spec + ": '" + id + "' is not a GPU number");
                }
                requireGpus(gpus, n + 1, spec);
                if (devices.contains(Device.gpu(n))) {
                    throw new IllegalArgumentException("--device " + spec + ": GPU " + n + " is listed twice");
                }
                devices.add(Device.gpu(n));
            }
            return List.copyOf(devices);
        }
        throw new IllegalArgumentException("unknown --device '" + spec + "' (valid: auto, cpu, gpu, gpu:N, gpu:0,1)");
    }

    private static void requireGpus(int visible, int needed, String spec) {
        if (visible < needed) {
            throw new IllegalArgumentException("--device " + spec + ": " + (visible == 0 ? "no GPU is visible"
                    : "only " + visible + " GPU(s) are visible") + " to PyTorch; " + CUDA_HELP);
        }
    }
}
