/**
 * ONNX Runtime inference, no DJL: Embedder (one session, thread-safe, validated inputs, the model's own
 * normalisation), EmbedderOptions, ModelInfo, and Classifier (the model's head or a k-NN index). Every native
 * resource has one owner that closes it.
 */
package org.contrastive4j.inference;
