/**
 * The blocks an encoder is built from besides DJL's linear and batch-norm: named parameter-free blocks whose settings
 * the exporter can read (pooling, flatten, L2 normalisation, residual units), and DJL's convolution made safe to train
 * on PyTorch's CPU kernels ({@link org.contrastive4j.models.blocks.LaneAlignedConv2d}).
 */
package org.contrastive4j.models.blocks;
