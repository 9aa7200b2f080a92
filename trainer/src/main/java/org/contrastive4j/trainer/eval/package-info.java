/**
 * Embedding extraction from a DJL encoder in inference mode, batch by batch, for evaluation and export checks.
 */
package org.contrastive4j.trainer.eval;
