/**
 * Datasets and their file formats, opened through one entry point, DataSources.open: Samples (float32 rows with
 * labels, in memory) for IDX, CIFAR binaries, CSV/TSV (RFC 4180, Apache Commons CSV) and NPY; ImageFiles (decoded on
 * demand by the reading threads, with a bounded cache) for image folders, the train/test folder layout, flat folders,
 * image files, globs, list files and manifests. Also Fashion-MNIST's location, stratified splits, dataset helpers
 * (materialise, align classes, label checks) and the embedding/prediction writers (CSV, NPY, JSONL). Every reader
 * validates declared sizes before allocating and names the file in its errors.
 */
package org.contrastive4j.core.data;
