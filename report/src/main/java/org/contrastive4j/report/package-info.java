/**
 * Run reports and loss comparisons: the SINCERE paper's target/noise similarity diagnostic
 * ({@link org.contrastive4j.report.EmbeddingDiagnostics}), a 2-D PCA view, training curves from
 * {@code metrics.jsonl} ({@link org.contrastive4j.report.TrainingCurves}), the report folder
 * ({@link org.contrastive4j.report.ReportWriter}: {@code index.html}, {@code report.json}, PNGs) and
 * {@code ./c4j compare}'s output ({@link org.contrastive4j.report.ComparisonWriter}). Pure Java and XChart,
 * rendered headless; every file goes through {@code AtomicFiles}.
 */
package org.contrastive4j.report;
