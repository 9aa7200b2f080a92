/**
 * Training with DJL and PyTorch: the configuration (TrainOptions, TrainConfig), building a run from it (RunBuilder
 * into TrainingParts), the training loop (TrainingSession) with its checkpoints (CheckpointWriter, TrainerState,
 * Provenance) and evaluation (RunEvaluation), the run directory it owns (RunDirectory), the optimizer steps
 * (TrainStep, GradCacheStep over Replicas and Shards), devices, progress, what a finished run leaves behind
 * (RunArtifacts) and reading a finished run back (FinishedRun).
 */
package org.contrastive4j.trainer;
