/**
 * Training with DJL and PyTorch: the configuration (TrainOptions, TrainConfig), the run (TrainingSession), the
 * optimizer steps (TrainStep, GradCacheStep over Replicas and Shards), devices, progress, and what a finished run
 * leaves behind (RunArtifacts).
 */
package org.contrastive4j.trainer;
