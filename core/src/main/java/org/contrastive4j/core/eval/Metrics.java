package org.contrastive4j.core.eval;

import java.util.List;
import org.contrastive4j.core.knn.KnnIndex;
import org.contrastive4j.core.knn.Metric;
import org.contrastive4j.core.knn.Prediction;
import org.contrastive4j.core.knn.Vote;

/**
 * Evaluation metrics shared by the ONNX Runtime and DJL paths, so that accuracy means the same thing everywhere.
 * Pure Java; no native resources.
 */
public final class Metrics {

    private Metrics() {}

    public static double accuracy(int[] predicted, int[] truth) {
        if (predicted.length != truth.length) {
            throw new IllegalArgumentException(predicted.length + " predictions for " + truth.length + " labels");
        }
        if (truth.length == 0) {
            throw new IllegalArgumentException("accuracy of zero samples is undefined");
        }
        int ok = 0;
        for (int i = 0; i < truth.length; i++) {
            if (predicted[i] == truth[i]) {
                ok++;
            }
        }
        return (double) ok / truth.length;
    }

    public static double accuracy(Prediction[] predicted, int[] truth) {
        return accuracy(labels(predicted), truth);
    }

    public static int[] labels(Prediction[] predictions) {
        int[] l = new int[predictions.length];
        for (int i = 0; i < l.length; i++) {
            l[i] = predictions[i].label();
        }
        return l;
    }

    /**
     * k-NN accuracy of {@code test} against the labelled {@code train} embeddings (majority vote; k = 1 gives 1-NN
     * accuracy). Uses the same exact search as {@link KnnIndex}.
     */
    public static double knnAccuracy(float[][] train, int[] trainLabels, float[][] test, int[] testLabels, int k,
            Metric metric) {
        KnnIndex index = KnnIndex.build(train, trainLabels, List.of(), metric);
        return accuracy(index.predict(test, k, Vote.MAJORITY), testLabels);
    }

    /** 1-NN accuracy (cosine unless stated otherwise). */
    public static double nn1Accuracy(float[][] train, int[] trainLabels, float[][] test, int[] testLabels, Metric metric) {
        return knnAccuracy(train, trainLabels, test, testLabels, 1, metric);
    }
}
