/**
 * Exact k-nearest-neighbour classification: KnnIndex (blocked cosine/Euclidean search, majority or
 * distance-weighted vote, a checksummed versioned file tied to the model that produced the embeddings), its
 * metric and vote, predictions and the model fingerprint.
 */
package org.contrastive4j.core.knn;
