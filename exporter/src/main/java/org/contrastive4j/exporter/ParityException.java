package org.contrastive4j.exporter;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** ONNX Runtime and DJL disagree by more than the tolerance: the export is refused and no file is written. */
public final class ParityException extends IllegalStateException {

    private final double maxAbsDiff;
    private final Map<String, Double> diffByCheck;

    public ParityException(String message, double maxAbsDiff, Map<String, Double> diffByCheck) {
        super(message);
        this.maxAbsDiff = maxAbsDiff;
        this.diffByCheck = Collections.unmodifiableMap(new LinkedHashMap<>(diffByCheck));
    }

    public double maxAbsDiff() {
        return maxAbsDiff;
    }

    public Map<String, Double> diffByCheck() {
        return diffByCheck;
    }
}
