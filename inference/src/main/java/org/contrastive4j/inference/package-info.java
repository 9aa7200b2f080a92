/**
 * ONNX Runtime inference, no DJL: Embedder (the public facade: one session, thread-safe, safe to close while in use),
 * EmbedderOptions, ModelInfo, and Classifier (the model's head or a k-NN index, read on the output the index was built
 * on). Inside: OrtSessions opens the session (device choice and fallback, what the model declares), InputRows and
 * Normalizer validate and preprocess inputs, BatchRunner runs batches, validates outputs (ModelOutputException) and
 * owns the session. Every native resource has one owner that closes it.
 */
package org.contrastive4j.inference;
