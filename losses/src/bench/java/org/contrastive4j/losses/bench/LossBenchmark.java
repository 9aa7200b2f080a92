package org.contrastive4j.losses.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.contrastive4j.losses.ContrastiveLoss;
import org.contrastive4j.losses.LossRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Forward + backward of each loss on M rows (two views of M/2 samples, 10 classes), D = 128, float32, CPU.
 * Not run by {@code mvn verify}; see losses/README-bench.md for the command. Compare with
 * {@code losses/src/bench/python/torch_losses_bench.py}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true", "-Xmx3g"})
public class LossBenchmark {

    @Param({"nt_xent", "supcon", "sincere", "cacr", "mio", "dystress"})
    public String loss;

    @Param({"512", "2048", "4096"})
    public int rows;

    public static final int DIM = 128;
    public static final int CLASSES = 10;

    private NDManager manager;
    private NDArray embeddings;
    private NDArray labels;
    private ContrastiveLoss contrastiveLoss;

    @Setup(Level.Trial)
    public void setUp() {
        System.setProperty("ai.djl.offline", "true");
        manager = NDManager.newBaseManager(null, "PyTorch");
        manager.getEngine().setRandomSeed(1);
        embeddings = manager.randomNormal(new Shape(rows, DIM));
        embeddings.setRequiresGradient(true);
        labels = manager.randomInteger(0, CLASSES, new Shape(rows / 2), DataType.INT64);
        contrastiveLoss = LossRegistry.create(loss, Map.of());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        manager.close();
    }

    @Benchmark
    public float forwardBackward() {
        try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
            NDArray l = contrastiveLoss.compute(embeddings, labels, 2);
            gc.backward(l);
            float v = l.getFloat();
            l.close();
            return v;
        }
    }
}
