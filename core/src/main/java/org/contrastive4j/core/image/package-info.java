/**
 * Pixel operations on channel-first float images: channel conversion with ITU-R 601 luma, bilinear crop-resize
 * with the half-pixel convention shared by readers, augmentation and inference.
 */
package org.contrastive4j.core.image;
