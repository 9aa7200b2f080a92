/**
 * {@code c4j spark embed|classify}: the Spark transformers as a command, for people without a Spark code base, run
 * in-process ({@code --master local[*]}, through {@code ./c4j}) or handed to {@code spark-submit} as the module's
 * application jar ({@link org.contrastive4j.spark.cli.SparkApp}).
 */
package org.contrastive4j.spark.cli;
