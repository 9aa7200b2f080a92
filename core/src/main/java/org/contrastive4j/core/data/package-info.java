/**
 * Datasets and their file formats: Samples (float32 rows with labels), readers for IDX, CIFAR binaries, image
 * folders, CSV/TSV and NPY detected by DataSources, Fashion-MNIST's location, stratified splits, and the
 * embedding/prediction writers (CSV, NPY, JSONL). Every reader validates declared sizes before allocating and
 * names the file in its errors.
 */
package org.contrastive4j.core.data;
