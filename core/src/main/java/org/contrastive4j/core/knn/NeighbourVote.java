package org.contrastive4j.core.knn;

import java.util.Arrays;
import java.util.List;

/** Turns the k nearest neighbours of one query into a {@link Prediction} (see {@link Vote} for the rules). */
final class NeighbourVote {

    private static final float WEIGHT_EPS = 1e-6f;

    private final int[] labels;
    private final List<String> classNames;
    private final Vote vote;
    private final double[] weight;

    /** One per thread: it keeps a per-class scratch array. */
    NeighbourVote(int[] labels, List<String> classNames, Vote vote) {
        this.labels = labels;
        this.classNames = classNames;
        this.vote = vote;
        this.weight = new double[classNames.size()];
    }

    Prediction decide(int[] idx, float[] dist) {
        Arrays.fill(weight, 0);
        double total = 0;
        for (int j = 0; j < idx.length; j++) {
            double w = vote == Vote.MAJORITY ? 1 : 1.0 / (dist[j] + WEIGHT_EPS);
            weight[labels[idx[j]]] += w;
            total += w;
        }
        double best = -1;
        for (double w : weight) {
            best = Math.max(best, w);
        }
        int label = -1;
        for (int j = 0; j < idx.length && label < 0; j++) {
            if (weight[labels[idx[j]]] == best) {
                label = labels[idx[j]];
            }
        }
        float score = (float) Math.min(1.0, best / total);
        return new Prediction(label, classNames.get(label), score, idx, dist);
    }
}
