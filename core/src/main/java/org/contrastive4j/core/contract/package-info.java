/**
 * The toolkit's persisted contracts, each defined once with its writer and reader: ONNX metadata keys and values
 * (MetadataKeys, ModelMetadata), the run directory's files (RunLayout), summary.json (Summary) and metrics.jsonl
 * (MetricsLog), their field names (SummaryField, MetricsField, EvalField), and the toolkit version
 * (ToolkitVersion). Names here are never renamed or dropped, only added.
 */
package org.contrastive4j.core.contract;
