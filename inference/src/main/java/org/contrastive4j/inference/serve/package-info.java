/**
 * The embedding and classification server of {@code c4j serve}: Jetty 12's core Handler API (no servlet layer)
 * speaking the Open Inference Protocol (KServe v2) and a compact text-embeddings-inference style API, with one
 * dynamic-batching queue in front of the model, request limits and back-pressure, bearer-token auth, Prometheus
 * metrics and graceful shutdown. It does not own the model: whoever opened the Embedder closes it after
 * {@link org.contrastive4j.inference.serve.EmbeddingServer#stop()}.
 */
package org.contrastive4j.inference.serve;
