package org.contrastive4j.core.contract;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The files of a run directory, named once: {@code config.json}, {@code metrics.jsonl}, {@code summary.json},
 * {@code checkpoints/last.ckpt} and {@code checkpoints/epoch-NNN.ckpt}, {@code model.onnx}, {@code report/index.html}
 * and the training-curve PNGs.
 *
 * @param dir the run directory
 */
public record RunLayout(Path dir) {

    public static final String CONFIG = "config.json";
    public static final String METRICS = "metrics.jsonl";
    public static final String SUMMARY = "summary.json";
    public static final String CHECKPOINTS = "checkpoints";
    public static final String LAST_CHECKPOINT = "last.ckpt";
    public static final String MODEL = "model.onnx";
    public static final String REPORT = "report";
    public static final String REPORT_INDEX = "index.html";
    public static final String LOSS_PLOT = "loss.png";
    public static final String LR_PLOT = "lr.png";
    public static final String EVAL_PLOT = "eval_metrics.png";
    public static final String REPULSION_PLOT = "repulsion.png";
    /** Held (OS file lock) by the trainer that owns the directory; records its pid, host and start time. */
    public static final String LOCK = ".c4j-run.lock";
    /** The files a run writes directly in its directory, besides the {@link #CHECKPOINTS} and {@link #REPORT} folders. */
    public static final List<String> FILES = List.of(CONFIG, METRICS, SUMMARY, MODEL, LOSS_PLOT, LR_PLOT, EVAL_PLOT,
            REPULSION_PLOT);

    private static final Pattern CHECKPOINT_NAME = Pattern.compile("last\\.ckpt|epoch-\\d{3,}\\.ckpt");

    public static RunLayout of(Path dir) {
        return new RunLayout(dir);
    }

    public Path config() {
        return dir.resolve(CONFIG);
    }

    public Path metrics() {
        return dir.resolve(METRICS);
    }

    public Path summary() {
        return dir.resolve(SUMMARY);
    }

    public Path checkpoints() {
        return dir.resolve(CHECKPOINTS);
    }

    public Path lastCheckpoint() {
        return checkpoints().resolve(LAST_CHECKPOINT);
    }

    /** {@code checkpoints/epoch-NNN.ckpt}, the checkpoint kept at the end of {@code epoch} (from 1). */
    public Path epochCheckpoint(int epoch) {
        return checkpoints().resolve(String.format(Locale.ROOT, "epoch-%03d.ckpt", epoch));
    }

    /** Whether {@code name} is one of the checkpoint files a run keeps in {@link #CHECKPOINTS}. */
    public static boolean isCheckpoint(String name) {
        return CHECKPOINT_NAME.matcher(name).matches();
    }

    public Path lock() {
        return dir.resolve(LOCK);
    }

    public Path model() {
        return dir.resolve(MODEL);
    }

    public Path reportDir() {
        return dir.resolve(REPORT);
    }

    public Path reportIndex() {
        return reportDir().resolve(REPORT_INDEX);
    }

    public Path plot(String name) {
        return dir.resolve(name);
    }
}
