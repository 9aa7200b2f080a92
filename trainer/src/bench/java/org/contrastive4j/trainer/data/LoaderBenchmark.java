package org.contrastive4j.trainer.data;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.contrastive4j.core.data.DataSources;
import org.contrastive4j.core.data.FashionMnist;
import org.contrastive4j.core.data.LoadOptions;
import org.contrastive4j.core.data.Samples;

/**
 * Throughput of batch preparation (not a test; speed is measured here, never asserted). Prints views per second for
 * a preset, batch size and thread count, after one warm-up epoch.
 *
 * <p>Run: {@code java -cp "trainer/target/classes:trainer/target/test-classes:inference/target/classes:$(ls
 * ~/.m2/repository/org/slf4j/slf4j-api/2.0.17/*.jar)" org.contrastive4j.trainer.data.LoaderBenchmark
 * [preset=grayscale-default] [batch=256] [threads=1] [data=Fashion-MNIST default dir | random-rgb]}
 */
public final class LoaderBenchmark {

    private LoaderBenchmark() {}

    /** CIFAR-sized random images, for timing the RGB pipeline without the data set. */
    static Samples randomRgb(int n) {
        SplittableRandom r = new SplittableRandom(0);
        float[] v = new float[n * 3072];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextInt(256) / 255f;
        }
        return new Samples("random-rgb", v, new int[] {3, 32, 32}, new int[n], List.of("x"));
    }

    public static void main(String[] args) throws Exception {
        String preset = args.length > 0 ? args[0] : "grayscale-default";
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 256;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        String dir = args.length > 3 ? args[3] : FashionMnist.defaultDir().toString();
        long t0 = System.nanoTime();
        Samples data = dir.equals("random-rgb") ? randomRgb(10_000) : DataSources.load(Path.of(dir), LoadOptions.DEFAULTS);
        double loadS = (System.nanoTime() - t0) / 1e9;
        Normalization norm = Normalization.estimate(data);
        Pipeline pipeline = Pipeline.preset(preset, data.sampleShape(), norm);
        BatchSampler sampler = new RandomBatchSampler(data.size(), batch, 1);
        int steps = sampler.stepsPerEpoch();
        BatchLoader.Options opts = new BatchLoader.Options(2, 1, threads, 4);
        try (BatchLoader loader = new BatchLoader(data, sampler, pipeline, opts, 0, 0, 3)) {
            for (int i = 0; i < steps; i++) {
                loader.next();
            }
            long start = System.nanoTime();
            long views = 0;
            while (loader.hasNext()) {
                ViewBatch b = loader.next();
                views += (long) b.views() * b.batchSize();
            }
            double s = (System.nanoTime() - start) / 1e9;
            System.out.printf("data=%s n=%d load_s=%.2f preset=%s batch=%dx2 threads=%d views_per_s=%.0f%n",
                    dir, data.size(), loadS, pipeline.name(), batch, threads, views / s);
        }
    }
}
