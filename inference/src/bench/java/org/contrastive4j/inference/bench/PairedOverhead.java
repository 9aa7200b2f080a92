package org.contrastive4j.inference.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.contrastive4j.core.data.Samples;
import org.contrastive4j.inference.Embedder;
import org.contrastive4j.inference.EmbedderOptions;
import org.contrastive4j.inference.OrtRuntime;

/**
 * Our API's overhead measured so that machine load cancels out: calls to a bare ORT session and to
 * {@link Embedder#embed(Samples)} (raw pixels, normalisation included) alternate (in alternating order), and the median of the per-pair
 * time ratios is reported next to each side's own percentiles. JMH's EmbedderBench runs the two one after the other,
 * which on a shared machine mixes in load changes; this does not.
 *
 * <p>Usage: java -cp ... PairedOverhead [MODEL=target/bench/small-cnn.onnx] [BATCH=1] [PAIRS=20000] [THREADS=0]
 */
public final class PairedOverhead {

    private PairedOverhead() {}

    public static void main(String[] args) throws Exception {
        Path model = Path.of(args.length > 0 ? args[0] : "target/bench/small-cnn.onnx");
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        int pairs = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : 0;
        Random r = new Random(0);
        float[] pixels = new float[batch * 784];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = r.nextFloat();
        }
        Samples raw = new Samples("bench", pixels, new int[] {1, 28, 28}, null, List.of());
        FloatBuffer ready = ByteBuffer.allocateDirect(pixels.length * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        for (float p : pixels) {
            ready.put((p - 0.2860f) / 0.3530f);
        }
        ready.flip();
        long[] shape = {batch, 1, 28, 28};
        OrtEnvironment env = OrtRuntime.environment();
        try (Embedder embedder = Embedder.open(model, EmbedderOptions.builder().intraOpThreads(threads).build());
                OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (threads > 0) {
                so.setIntraOpNumThreads(threads);
            }
            try (OrtSession bare = env.createSession(model.toString(), so)) {
                long[] tb = new long[pairs];
                long[] te = new long[pairs];
                int warm = Math.max(10, pairs / 10);
                for (int i = -warm; i < pairs; i++) {
                    // Alternate which side goes first, so that neither always inherits the other's cache state.
                    long e0 = 0;
                    long e1 = 0;
                    if ((i & 1) == 0) {
                        e0 = System.nanoTime();
                        embedder.embed(raw);
                        e1 = System.nanoTime();
                    }
                    long t0 = System.nanoTime();
                    try (OnnxTensor t = OnnxTensor.createTensor(env, ready, shape);
                            OrtSession.Result res = bare.run(Map.of("input", t))) {
                        FloatBuffer out = ((OnnxTensor) res.get(0)).getFloatBuffer();
                        float[] v = new float[out.remaining()];
                        out.get(v);
                    }
                    long t1 = System.nanoTime();
                    if ((i & 1) != 0) {
                        e0 = System.nanoTime();
                        embedder.embed(raw);
                        e1 = System.nanoTime();
                    }
                    if (i >= 0) {
                        tb[i] = t1 - t0;
                        te[i] = e1 - e0;
                    }
                }
                double[] ratio = new double[pairs];
                for (int i = 0; i < pairs; i++) {
                    ratio[i] = (double) te[i] / tb[i];
                }
                Arrays.sort(ratio);
                System.out.printf("batch %d, %d pairs, intra-op threads %s%n", batch, pairs, threads == 0 ? "ORT default" : threads);
                report("bare ORT", tb, batch);
                report("Embedder", te, batch);
                System.out.printf("median per-pair ratio Embedder / bare ORT: %.3f%n", ratio[pairs / 2]);
            }
        }
    }

    private static void report(String name, long[] ns, int batch) {
        long[] s = ns.clone();
        Arrays.sort(s);
        double p50 = s[s.length / 2] / 1e3;
        System.out.printf("%-9s p10 %9.1f us  p50 %9.1f us  p90 %9.1f us  -> %8.0f img/s at p50%n", name,
                s[s.length / 10] / 1e3, p50, s[s.length * 9 / 10] / 1e3, batch / (p50 / 1e6));
    }
}
