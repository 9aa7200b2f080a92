package org.contrastive4j.trainer;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.contrastive4j.core.data.Shapes;
import org.contrastive4j.losses.ContrastiveLoss;
import org.contrastive4j.losses.LossRegistry;
import org.contrastive4j.models.EncoderBlock;
import org.contrastive4j.models.Encoders;
import org.contrastive4j.models.ModelSpec;
import org.contrastive4j.trainer.optim.Sgd;

/**
 * Training-step throughput on random data, the same protocol as {@code shared/bench/torch_ref_train.py}: fixed random
 * batches of {@code batch} samples × 2 views, SGD with momentum 0.9, 3 warm-up steps, then {@code steps} timed steps.
 * Images are counted per view. Runs the exact {@link Step} that {@code train} uses (plain, or GradCache with chunks).
 */
public final class TrainBenchmark {

    /** Throughput and the process's peak resident memory (VmHWM), which includes the JVM heap. */
    public record Result(double imagesPerSecond, double msPerStep, long peakRssBytes) {}

    private TrainBenchmark() {}

    public static Result run(String model, String lossName, Map<String, String> lossParams, int batch, int steps, int[] sampleShape,
            Device device) throws IOException {
        return run(model, lossName, lossParams, batch, steps, sampleShape, List.of(device), 0);
    }

    /** As above with the step {@link Step#create} picks for {@code devices} and {@code chunks} (GradCache when > 1). */
    public static Result run(String model, String lossName, Map<String, String> lossParams, int batch, int steps, int[] sampleShape,
            List<Device> devices, int chunks) throws IOException {
        Device device = devices.get(0);
        ContrastiveLoss loss = LossRegistry.create(lossName, lossParams);
        SplittableRandom rng = new SplittableRandom(0);
        int len = 1;
        for (int d : sampleShape) {
            len *= d;
        }
        float[] x = new float[2 * batch * len];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) nextGaussian(rng);
        }
        int[] y = new int[batch];
        for (int i = 0; i < batch; i++) {
            y[i] = rng.nextInt(10);
        }
        ModelSpec spec = RunBuilder.familySpec(model, sampleShape, "cifar", 0);
        try (NDManager manager = NDManager.newBaseManager(device, "PyTorch");
                Sgd sgd = new Sgd(manager, 0.9f, false, 0f)) {
            Engine.getInstance().setRandomSeed(0);
            EncoderBlock block = Encoders.build(spec);
            block.initialize(manager, DataType.FLOAT32, new Shape(Shapes.prepend(1, sampleShape)));
            try (Step step = Step.create(block, loss, sgd, manager, devices, 0, chunks)) {
                for (int i = 0; i < 3; i++) {
                    step.run(x, y, 2, sampleShape, 0.05f);
                }
                long t0 = System.nanoTime();
                for (int i = 0; i < steps; i++) {
                    step.run(x, y, 2, sampleShape, 0.05f);
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                return new Result(steps * 2.0 * batch / seconds, seconds / steps * 1000, peakRss());
            }
        }
    }

    private static double nextGaussian(SplittableRandom rng) {
        double u = 1 - rng.nextDouble();
        double v = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    /** VmHWM from /proc/self/status, or -1 where there is none. */
    static long peakRss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
