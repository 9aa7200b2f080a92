package org.contrastive4j.inference.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.contrastive4j.core.data.Samples;
import org.contrastive4j.inference.Embedder;
import org.contrastive4j.inference.EmbedderOptions;
import org.contrastive4j.inference.OrtRuntime;
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
 * The cost of our API layer: {@link Embedder} against a bare ONNX Runtime session on the same small-cnn file, same
 * session options (ALL optimisations, ORT's default threads). Sample-time mode gives the latency distribution (p50 at
 * batch 1); throughput at batch 256 is {@code 256 / mean}.
 *
 * <ul>
 *   <li>{@code bareOrt}: model-ready data already in a direct buffer; create tensor, run, read the output, close.</li>
 *   <li>{@code embedderRows}: {@link Embedder#embed(float[][])} on model-ready rows (copy + NaN check + batching).</li>
 *   <li>{@code embedderSamples}: {@link Embedder#embed(Samples)} on raw [0, 1] pixels (adds (x - mean) / std).</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class EmbedderBench {

    @Param({"1", "256"})
    public int batch;

    private OrtEnvironment env;
    private OrtSession bare;
    private Embedder embedder;
    private FloatBuffer bareInput;
    private long[] shape;
    private float[][] rows;
    private Samples raw;

    @Setup(Level.Trial)
    public void setUp() throws IOException, OrtException {
        Path model = Path.of(System.getProperty("c4j.bench.model", "target/bench/small-cnn.onnx"));
        embedder = Embedder.open(model, EmbedderOptions.builder().batchSize(256).build());
        env = OrtRuntime.environment();
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            bare = env.createSession(model.toString(), so);
        }
        Random r = new Random(0);
        float[] pixels = new float[batch * 784];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = r.nextFloat();
        }
        raw = new Samples("bench", pixels, new int[] {1, 28, 28}, null, List.of());
        rows = new float[batch][784];
        bareInput = ByteBuffer.allocateDirect(pixels.length * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        for (int i = 0; i < batch; i++) {
            for (int j = 0; j < 784; j++) {
                rows[i][j] = (pixels[i * 784 + j] - 0.2860f) / 0.3530f;
            }
            bareInput.put(rows[i]);
        }
        bareInput.flip();
        shape = new long[] {batch, 1, 28, 28};
    }

    @TearDown(Level.Trial)
    public void tearDown() throws OrtException {
        embedder.close();
        bare.close();
    }

    @Benchmark
    public float[] bareOrt() throws OrtException {
        try (OnnxTensor t = OnnxTensor.createTensor(env, bareInput, shape);
                OrtSession.Result result = bare.run(Map.of("input", t))) {
            FloatBuffer out = ((OnnxTensor) result.get(0)).getFloatBuffer();
            float[] values = new float[out.remaining()];
            out.get(values);
            return values;
        }
    }

    @Benchmark
    public float[][] embedderRows() {
        return embedder.embed(rows);
    }

    @Benchmark
    public float[][] embedderSamples() {
        return embedder.embed(raw);
    }
}
