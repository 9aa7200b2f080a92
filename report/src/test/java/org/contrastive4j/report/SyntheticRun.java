package org.contrastive4j.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/** Synthetic-but-plausible run data for report tests and the demo: clustered ReLU features and a metrics log. */
final class SyntheticRun {

    static final List<String> FASHION = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal",
            "Shirt", "Sneaker", "Bag", "Ankle boot");

    final float[][] train;
    final int[] trainLabels;
    final float[][] test;
    final int[] testLabels;

    private SyntheticRun(float[][] train, int[] trainLabels, float[][] test, int[] testLabels) {
        this.train = train;
        this.trainLabels = trainLabels;
        this.test = test;
        this.testLabels = testLabels;
    }

    /**
     * Each class has two sub-cluster centres around a class centre; classes 0/2/4/6 (the tops) share part of their
     * centre so that they are confusable, like Fashion-MNIST's. {@code spread} scales the within-class noise.
     */
    static SyntheticRun generate(long seed, int classes, int trainPerClass, int testPerClass, int dim, double spread) {
        Random rnd = new Random(seed);
        double[] shared = gaussian(rnd, dim, 1.0);
        double[] tops = gaussian(rnd, dim, 1.0);
        double[][][] centres = new double[classes][2][];
        for (int c = 0; c < classes; c++) {
            double[] own = gaussian(rnd, dim, 1.0);
            boolean top = c % 2 == 0 && c <= 6;
            for (int s = 0; s < 2; s++) {
                double[] sub = gaussian(rnd, dim, 0.5);
                double[] centre = new double[dim];
                for (int k = 0; k < dim; k++) {
                    centre[k] = 1.5 * shared[k] + (top ? 1.2 * tops[k] + 0.8 * own[k] : 1.4 * own[k]) + sub[k];
                }
                centres[c][s] = centre;
            }
        }
        float[][] train = new float[classes * trainPerClass][];
        int[] trainLabels = new int[train.length];
        float[][] test = new float[classes * testPerClass][];
        int[] testLabels = new int[test.length];
        for (int i = 0; i < train.length; i++) {
            trainLabels[i] = i % classes;
            train[i] = sample(rnd, centres[trainLabels[i]][rnd.nextInt(2)], spread);
        }
        for (int i = 0; i < test.length; i++) {
            testLabels[i] = i % classes;
            test[i] = sample(rnd, centres[testLabels[i]][rnd.nextInt(2)], spread);
        }
        return new SyntheticRun(train, trainLabels, test, testLabels);
    }

    private static double[] gaussian(Random rnd, int dim, double scale) {
        double[] v = new double[dim];
        for (int k = 0; k < dim; k++) {
            v[k] = scale * rnd.nextGaussian();
        }
        return v;
    }

    private static float[] sample(Random rnd, double[] centre, double spread) {
        float[] x = new float[centre.length];
        for (int k = 0; k < x.length; k++) {
            x[k] = (float) Math.max(0, centre[k] + spread * rnd.nextGaussian()); // ReLU features
        }
        return x;
    }

    /**
     * A metrics.jsonl with per-step loss/lr lines and per-epoch eval lines; {@code repulsion} scales the repulsion
     * meter (0 for a SINCERE-like run). Ends with a truncated line, as a killed run leaves.
     */
    static void writeMetrics(Path file, long seed, int epochs, int stepsPerEpoch, double finalLoss, double repulsion)
            throws IOException {
        Random rnd = new Random(seed);
        StringBuilder b = new StringBuilder();
        int total = epochs * stepsPerEpoch;
        int warmup = Math.max(1, total / 10);
        int g = 0;
        for (int e = 1; e <= epochs; e++) {
            double sum = 0;
            for (int s = 0; s < stepsPerEpoch; s++) {
                g++;
                double progress = g / (double) total;
                double loss = finalLoss + 2.5 * Math.exp(-5 * progress) + 0.15 * rnd.nextGaussian();
                double lr = g <= warmup ? 0.1 * g / warmup
                        : 0.05 * (1 + Math.cos(Math.PI * (g - warmup) / (double) (total - warmup)));
                sum += loss;
                b.append(String.format(Locale.ROOT, "{\"type\":\"step\",\"epoch\":%d,\"step\":%d,\"global_step\":%d,"
                        + "\"loss\":%.5f,\"lr\":%.6f,\"img_per_s\":%.1f,\"time_s\":%.2f}%n", e, s, g, loss, lr,
                        2000 + 100 * rnd.nextGaussian(), g * 0.25));
            }
            double acc = 0.9 - 0.5 * Math.exp(-0.6 * e);
            b.append(String.format(Locale.ROOT, "{\"type\":\"epoch\",\"epoch\":%d,\"global_step\":%d,"
                    + "\"train_loss\":%.5f,\"nn1_acc\":%.4f,\"knn_acc\":%.4f,\"linear_probe_acc\":%.4f,"
                    + "\"repulsion_mean\":%.5f,\"repulsion_fraction\":%.4f,\"time_s\":%.2f}%n", e, g,
                    sum / stepsPerEpoch, acc, acc + 0.005, acc + 0.012, repulsion * (0.02 + 0.01 * Math.exp(-0.3 * e)),
                    repulsion * (0.4 + 0.2 * Math.exp(-0.3 * e)), g * 0.25));
        }
        b.append("{\"type\":\"step\",\"epoch\":");
        Files.writeString(file, b.toString());
    }

    static List<String> classNames(int classes) {
        if (classes <= FASHION.size()) {
            return FASHION.subList(0, classes);
        }
        List<String> names = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            names.add("class " + c);
        }
        return names;
    }
}
