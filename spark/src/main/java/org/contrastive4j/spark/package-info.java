/**
 * contrastive4j on Apache Spark: ML {@code Transformer}s that embed ({@link org.contrastive4j.spark.OnnxEmbedder})
 * and classify ({@link org.contrastive4j.spark.KnnClassifier}) rows of a DataFrame with an exported ONNX encoder,
 * written in Java and usable from Java, Scala and PySpark.
 *
 * <p>The model (and index) file is read once on the driver, broadcast, written once to each executor's local disk and
 * opened once per executor JVM ({@link org.contrastive4j.spark.ModelSessions}, keyed by the file's SHA-256); rows are
 * batched inside {@code mapPartitions}. Images (the {@code content} column of Spark's {@code binaryFile} source) are
 * decoded and fitted by {@code core.image}, exactly as the command line does.
 */
package org.contrastive4j.spark;
