/**
 * Encoders as DJL block trees: ModelSpec (the JSON that rebuilds one), the families (Encoders), EncoderBlock
 * (backbone, projection head, optional classifier), checkpoints (ModelCheckpoint) and the one entry point to the
 * PyTorch engine (DjlRuntime).
 */
package org.contrastive4j.models;
