package org.contrastive4j.core.knn;

/**
 * One classification.
 *
 * @param label the predicted class index
 * @param className its name
 * @param score confidence in [0, 1]: the head's probability, or the vote share of the k nearest neighbours
 * @param neighbors indices of the k nearest reference samples, nearest first ({@code null} for head predictions)
 * @param distances their distances, in the same order ({@code null} for head predictions)
 */
public record Prediction(int label, String className, float score, int[] neighbors, float[] distances) {

    public Prediction(int label, String className, float score) {
        this(label, className, score, null, null);
    }
}
