/**
 * The training data pipeline: per-channel normalisation, batch samplers (random, class-balanced), V-view
 * augmentation presets and their transforms, and the background BatchLoader; every batch and view is a function
 * of (seed, epoch, step, sample, view).
 */
package org.contrastive4j.trainer.data;
