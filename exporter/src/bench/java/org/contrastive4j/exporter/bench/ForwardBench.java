package org.contrastive4j.exporter.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.contrastive4j.core.device.NativeInit;
import org.contrastive4j.exporter.ExportOptions;
import org.contrastive4j.exporter.ExportReport;
import org.contrastive4j.exporter.OnnxExporter;
import org.contrastive4j.inference.Embedder;
import org.contrastive4j.inference.EmbedderOptions;
import org.contrastive4j.models.DjlRuntime;
import org.contrastive4j.models.EncoderBlock;
import org.contrastive4j.models.Encoders;
import org.contrastive4j.models.ModelSpec;
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
 * DJL's forward of small-cnn (inference mode, PyTorch engine) against ONNX Runtime on the ONNX file our exporter writes
 * for that very block: the baseline of issue 6's "≥ 6× DJL's forward throughput". The same weights feed all three,
 * every call takes model-ready float input and returns the embeddings as Java floats.
 *
 * <ul>
 *   <li>{@code djlForward}: NDArray from the input, {@code block.forward(training=false)}, embedding to float[],
 *       per-call scope closed.</li>
 *   <li>{@code ortBare}: a bare {@link OrtSession} (ALL optimisations, ORT's default threads) on a direct buffer:
 *       create tensor, run, read output 0, close.</li>
 *   <li>{@code embedder}: {@link Embedder#embed(float[][])} (our API layer) on the same file.</li>
 * </ul>
 * Sample-time mode: p50 at batch 1 is the latency; {@code batch / mean} at batch 256 the throughput.
 *
 * <p>{@code -p threads=N} (N > 0) gives both engines N intra-op threads (PyTorch: and one inter-op thread), for a
 * like-for-like comparison on a loaded machine, where PyTorch's spinning OpenMP threads suffer most; 0 leaves each
 * library's default.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "-Dai.djl.offline=true"})
public class ForwardBench {

    @Param({"1", "256"})
    public int batch;

    @Param({"0"})
    public int threads;

    private NDManager manager;
    private EncoderBlock block;
    private ParameterStore ps;
    private Shape djlShape;
    private float[] flat;

    private OrtEnvironment env;
    private OrtSession bare;
    private FloatBuffer direct;
    private long[] ortShape;

    private Embedder embedder;
    private float[][] rows;

    @Setup(Level.Trial)
    public void setUp() throws IOException, OrtException {
        DjlRuntime.offline();
        if (threads > 0) {
            // Read once, when the engine starts: this fork's first DJL call comes after this line.
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
        manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
        Engine.getInstance().setRandomSeed(0);
        block = Encoders.build(ModelSpec.smallCnn(1, 28, 28)).initialize(manager);
        ps = new ParameterStore(manager, false);
        Path dir = Files.createDirectories(Path.of(System.getProperty("c4j.bench.dir", "target/bench")));
        Path onnx = dir.resolve("small-cnn-djl-export.onnx");
        ExportReport report = OnnxExporter.export(block, ExportOptions.defaults(), onnx);
        System.out.printf("exported %s: %d nodes, parity %.2e%n", onnx, report.nodeCount(), report.maxAbsDiff());

        SplittableRandom rng = new SplittableRandom(1);
        flat = new float[batch * 784];
        rows = new float[batch][784];
        for (int i = 0; i < flat.length; i++) {
            flat[i] = (float) (rng.nextDouble() * 2 - 1);
            rows[i / 784][i % 784] = flat[i];
        }
        djlShape = new Shape(batch, 1, 28, 28);
        ortShape = new long[] {batch, 1, 28, 28};
        direct = ByteBuffer.allocateDirect(flat.length * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        direct.put(flat).flip();

        env = NativeInit.onLargeStack("onnxruntime-init", OrtEnvironment::getEnvironment);
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (threads > 0) {
                so.setIntraOpNumThreads(threads);
            }
            bare = env.createSession(onnx.toString(), so);
        }
        EmbedderOptions.Builder options = EmbedderOptions.builder().batchSize(256);
        if (threads > 0) {
            options.intraOpThreads(threads);
        }
        embedder = Embedder.open(onnx, options.build());
    }

    @TearDown(Level.Trial)
    public void tearDown() throws OrtException {
        embedder.close();
        bare.close();
        manager.close();
    }

    @Benchmark
    public float[] djlForward() {
        try (NDManager scope = manager.newSubManager()) {
            NDArray x = scope.create(FloatBuffer.wrap(flat), djlShape);
            NDList out = block.forward(ps, new NDList(x), false);
            return out.get(EncoderBlock.EMBEDDING).toFloatArray();
        }
    }

    @Benchmark
    public float[] ortBare() throws OrtException {
        try (OnnxTensor t = OnnxTensor.createTensor(env, direct, ortShape);
                OrtSession.Result result = bare.run(Map.of("input", t))) {
            FloatBuffer out = ((OnnxTensor) result.get(0)).getFloatBuffer();
            float[] values = new float[out.remaining()];
            out.get(values);
            return values;
        }
    }

    @Benchmark
    public float[][] embedder() {
        return embedder.embed(rows);
    }
}
