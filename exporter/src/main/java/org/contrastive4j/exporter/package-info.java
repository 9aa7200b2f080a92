/**
 * DJL encoder to ONNX (opset 17): a converter per block class (ConverterRegistry, StandardConverters) writing
 * through one graph seam (OnnxGraph), provenance in metadata_props, and a parity check against ONNX Runtime at
 * every export (ParityChecker) that leaves no file when it fails.
 */
package org.contrastive4j.exporter;
