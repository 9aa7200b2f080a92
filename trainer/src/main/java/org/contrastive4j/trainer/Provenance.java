package org.contrastive4j.trainer;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.contrastive4j.core.contract.MetadataKeys;
import org.contrastive4j.core.contract.ModelMetadata;
import org.contrastive4j.core.contract.ToolkitVersion;
import org.contrastive4j.losses.ContrastiveLoss;
import org.contrastive4j.models.DjlRuntime;

/**
 * Where a set of weights came from, as the {@code c4j.*} map ({@link MetadataKeys}) recorded in every checkpoint and
 * carried into the ONNX metadata on export: loss and its parameters, data and normalisation, class names, seed,
 * configuration, the split the run is evaluated on, step, toolkit and engine versions, time.
 */
public final class Provenance {

    private Provenance() {}

    public static Map<String, String> of(TrainConfig config, ContrastiveLoss loss, TrainingData data, long globalStep) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put(MetadataKeys.LOSS, loss.name());
        p.put(MetadataKeys.LOSS_PARAMS, ModelMetadata.json(loss.params()));
        p.put(MetadataKeys.DATASET, data.description());
        p.put(MetadataKeys.SEED, Long.toString(config.seed()));
        p.put(MetadataKeys.CONFIG, config.toJson());
        p.put(MetadataKeys.INPUT_MEAN, ModelMetadata.floats(data.normalization().mean()));
        p.put(MetadataKeys.INPUT_STD, ModelMetadata.floats(data.normalization().std()));
        p.put(MetadataKeys.CLASS_NAMES, ModelMetadata.strings(data.train().classNames()));
        p.put(MetadataKeys.EVAL_SPLIT, data.evalSplit());
        p.put(MetadataKeys.GLOBAL_STEP, Long.toString(globalStep));
        p.put(MetadataKeys.TOOLKIT_VERSION, ToolkitVersion.get());
        p.put(MetadataKeys.ENGINE, DjlRuntime.describe());
        p.put(MetadataKeys.CREATED, Instant.now().toString());
        return p;
    }
}
