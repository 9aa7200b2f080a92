/**
 * Named parameter-free blocks whose settings the exporter can read (pooling, flatten, L2 normalisation, residual
 * units): the only blocks an encoder is built from besides DJL's convolution, linear and batch-norm.
 */
package org.contrastive4j.models.blocks;
