package org.contrastive4j.exporter;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an export produced.
 *
 * @param maxAbsDiff largest |DJL - ONNX Runtime| over all checks and outputs (also in metadata c4j.parity_max_abs_diff)
 * @param diffByCheck per check, e.g. {@code random-8/projection} or {@code real-64/embedding}
 * @param nodeCount nodes in the ONNX graph
 * @param seconds wall time of the whole export including the parity check
 * @param maxScaledDiff the figure compared with the tolerance: max over outputs of max |diff| / max(1, max |DJL value|)
 */
public record ExportReport(Path path, double maxAbsDiff, Map<String, Double> diffByCheck, int nodeCount, long fileBytes,
                           double seconds, double maxScaledDiff) {

    public ExportReport {
        diffByCheck = Collections.unmodifiableMap(new LinkedHashMap<>(diffByCheck)); // check order
    }
}
