package org.contrastive4j.inference.serve;

import org.contrastive4j.core.knn.Prediction;

/**
 * One row's classification.
 *
 * @param prediction label, class name and score (with the neighbours for a k-NN index)
 * @param probabilities the head's class probabilities (for its top-k), {@code null} for a k-NN index
 */
record Classification(Prediction prediction, float[] probabilities) {}
