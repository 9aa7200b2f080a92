package org.contrastive4j.core.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The persisted names are a contract with every file already written: this test spells them out independently of
 * the code, so renaming or dropping one fails here (add new names to the lists; never change existing ones).
 */
class PersistedNamesTest {

    private static List<String> names(RunField[] fields) {
        return Arrays.stream(fields).map(RunField::json).toList();
    }

    @Test
    void evaluationFields() {
        assertEquals(List.of("nn1_acc", "knn_acc", "knn_k", "linear_probe_acc"), names(EvalField.values()));
    }

    @Test
    void metricsFields() {
        assertEquals(List.of("type", "epoch", "step", "global_step", "loss", "lr", "img_per_s", "time_s", "train_loss",
                "repulsion_mean", "repulsion_fraction"), names(MetricsField.values()));
        assertEquals("step", MetricsLog.Kind.STEP.json());
        assertEquals("epoch", MetricsLog.Kind.EPOCH.json());
    }

    @Test
    void summaryFieldsKeepTheDocumentedNames() {
        List<String> documented = List.of("dataset", "train_size", "test_size", "model", "loss", "loss_params", "epochs",
                "steps", "device", "test_accuracy", "test_accuracy_method", "img_per_s", "train_seconds", "checkpoint",
                "export_max_abs_diff", "onnx_path", "onnx_vs_djl_embeddings_max_abs_diff", "onnx_nn1_acc", "onnx_knn_acc",
                "onnx_linear_probe_acc", "report", "seconds", "eval_split", "warnings", "baseline_knn_acc", "baseline_nn1_acc",
                "baseline_method", "baseline_queries", "similarity_output", "outputs", "onnx_probe_max_abs_diff",
                "onnx_probe_agreement", "classifier_head", "export_max_scaled_diff");
        List<String> actual = names(SummaryField.values());
        for (String name : documented) {
            assertEquals(true, actual.contains(name), name + " was dropped or renamed");
        }
    }

    @Test
    void runDirectoryFiles() {
        RunLayout run = RunLayout.of(Path.of("r"));
        assertEquals(Path.of("r/config.json"), run.config());
        assertEquals(Path.of("r/metrics.jsonl"), run.metrics());
        assertEquals(Path.of("r/summary.json"), run.summary());
        assertEquals(Path.of("r/checkpoints/last.ckpt"), run.lastCheckpoint());
        assertEquals(Path.of("r/checkpoints/epoch-007.ckpt"), run.epochCheckpoint(7));
        assertEquals(Path.of("r/model.onnx"), run.model());
        assertEquals(Path.of("r/report/index.html"), run.reportIndex());
        assertEquals(Path.of("r/.c4j-run.lock"), run.lock());
        assertEquals(List.of("config.json", "metrics.jsonl", "summary.json", "model.onnx", "loss.png", "lr.png",
                "eval_metrics.png", "repulsion.png"), RunLayout.FILES);
        assertEquals(true, RunLayout.isCheckpoint("last.ckpt") && RunLayout.isCheckpoint("epoch-012.ckpt"));
        assertEquals(false, RunLayout.isCheckpoint(".last.ckpt.123.tmp") || RunLayout.isCheckpoint("epoch-1.ckpt"));
    }

    @Test
    void onnxMetadataKeys() {
        assertEquals("c4j.format_version", MetadataKeys.FORMAT_VERSION);
        assertEquals("c4j.input_shape", MetadataKeys.INPUT_SHAPE);
        assertEquals("c4j.input_mean", MetadataKeys.INPUT_MEAN);
        assertEquals("c4j.input_std", MetadataKeys.INPUT_STD);
        assertEquals("c4j.class_names", MetadataKeys.CLASS_NAMES);
        assertEquals("c4j.model_spec", MetadataKeys.MODEL_SPEC);
        assertEquals("c4j.loss", MetadataKeys.LOSS);
        assertEquals("c4j.parity_max_abs_diff", MetadataKeys.PARITY_MAX_ABS_DIFF);
        assertEquals("c4j.init_weights", MetadataKeys.INIT_WEIGHTS);
        assertEquals("c4j.eval_split", MetadataKeys.EVAL_SPLIT);
        assertEquals("c4j.default_output", MetadataKeys.DEFAULT_OUTPUT);
        assertEquals("c4j.classifier_head", MetadataKeys.CLASSIFIER_HEAD);
        assertEquals("c4j.embedding_mean", MetadataKeys.EMBEDDING_MEAN);
        assertEquals("1", MetadataKeys.FORMAT);
    }
}
