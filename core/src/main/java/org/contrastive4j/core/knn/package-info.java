/**
 * Exact k-nearest-neighbour classification: KnnIndex (the facade), SimilarityKernel (the toolkit's one blocked
 * similarity kernel, also behind the report's embedding diagnostics), the top-k selection and the vote, the
 * checksummed versioned file tied to the model and output that produced the embeddings (KnnIndexFile), its metric and
 * vote, predictions and the model fingerprint.
 */
package org.contrastive4j.core.knn;
