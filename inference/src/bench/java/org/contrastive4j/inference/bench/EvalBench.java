package org.contrastive4j.inference.bench;

import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.contrastive4j.core.knn.KnnIndex;
import org.contrastive4j.core.knn.Metric;
import org.contrastive4j.core.knn.Prediction;
import org.contrastive4j.core.knn.Vote;
import org.contrastive4j.core.eval.LinearProbe;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Fashion-MNIST-sized evaluation work on synthetic 128-d embeddings (10 Gaussian clusters): a linear probe fit on
 * 60,000 x 128 x 10 and k-NN (k = 5, cosine) of 10,000 queries against 60,000 references. Single-shot timings.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xmx3g"})
public class EvalBench {

    private float[][] train;
    private int[] trainLabels;
    private float[][] test;
    private KnnIndex index;

    @Setup
    public void setUp() {
        Random r = new Random(0);
        double[][] centres = new double[10][128];
        for (double[] c : centres) {
            for (int j = 0; j < c.length; j++) {
                c[j] = r.nextGaussian();
            }
        }
        train = new float[60_000][128];
        trainLabels = new int[train.length];
        for (int i = 0; i < train.length; i++) {
            trainLabels[i] = i % 10;
            for (int j = 0; j < 128; j++) {
                train[i][j] = (float) (centres[i % 10][j] + 2 * r.nextGaussian());
            }
        }
        test = new float[10_000][];
        System.arraycopy(train, 0, test, 0, test.length);
        index = KnnIndex.build(train, trainLabels, List.of(), Metric.COSINE);
    }

    @Benchmark
    public LinearProbe linearProbeFit60k() {
        return LinearProbe.fit(train, trainLabels, 10);
    }

    @Benchmark
    public Prediction[] knn10kQueriesOver60k() {
        return index.predict(test, 5, Vote.MAJORITY);
    }
}
