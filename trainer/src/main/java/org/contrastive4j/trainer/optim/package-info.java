/**
 * Optimizers whose whole state is saved in checkpoints (SGD with momentum/Nesterov, AdamW), the warm-up + cosine
 * learning-rate schedule, and gradient clipping.
 */
package org.contrastive4j.trainer.optim;
