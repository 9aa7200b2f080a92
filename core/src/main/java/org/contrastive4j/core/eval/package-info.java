/**
 * Evaluation on frozen embeddings, shared by the DJL and ONNX Runtime paths so accuracy means the same
 * everywhere: accuracy metrics, the confusion matrix and its one renderer, the L-BFGS linear probe, and the 1-NN
 * / k-NN / linear-probe protocol (Evaluation).
 */
package org.contrastive4j.core.eval;
