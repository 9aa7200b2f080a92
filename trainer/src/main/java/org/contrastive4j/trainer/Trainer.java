package org.contrastive4j.trainer;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.contrastive4j.core.contract.RunLayout;
import org.contrastive4j.core.contract.Summary;
import org.contrastive4j.core.contract.SummaryField;

/**
 * The trainer as a library: one call trains, evaluates, exports {@code model.onnx} and writes the run directory
 * ({@code config.json}, {@code metrics.jsonl}, checkpoints, curves, {@code report/}, {@code summary.json}) exactly as
 * {@code ./c4j train} does — the command is a call of this class.
 *
 * <pre>{@code
 * TrainConfig config = TrainConfig.of(Map.of("data", "my-images/", "loss", "sincere", "temperature", 0.1,
 *         "epochs", 20, "out", "runs/mine"));
 * Trainer.TrainedRun run = Trainer.train(config);
 * System.out.println(run.accuracy() + " on " + run.evalSplit() + " -> " + run.model());
 * }</pre>
 *
 * <p>{@link TrainingSession} is the loop alone (for tests and tools that drive it step by step): it neither exports
 * nor writes {@code summary.json}.
 */
public final class Trainer {

    /**
     * What a finished run left behind.
     *
     * @param directory the run directory
     * @param summary its {@code summary.json}
     * @param model {@code model.onnx} (its classifier head is the run's linear probe), empty with {@code export: false}
     * @param report {@code report/index.html}, empty with {@code report: false}
     */
    public record TrainedRun(Path directory, Summary summary, Optional<Path> model, Optional<Path> report) {

        /** The headline accuracy: k-NN on the ONNX Runtime embeddings (DJL's when not exported), in [0, 1]. */
        public double accuracy() {
            return summary.number(SummaryField.TEST_ACCURACY);
        }

        /** Which held-out split the accuracies were measured on. */
        public String evalSplit() {
            return summary.text(SummaryField.EVAL_SPLIT).orElse("");
        }
    }

    private Trainer() {}

    /** Trains a new run in {@code config.out()} (absent or empty), printing progress on the standard streams. */
    public static TrainedRun train(TrainConfig config) throws Exception {
        return train(config, System.out, System.err, false);
    }

    /**
     * Trains a new run in {@code config.out()}; {@code overwrite} replaces a run already there (else a non-empty
     * directory is refused). Progress and results go to {@code out}, warnings to {@code err}.
     */
    public static TrainedRun train(TrainConfig config, PrintStream out, PrintStream err, boolean overwrite) throws Exception {
        long t0 = System.nanoTime();
        engineThreads(config.threads());
        try (TrainingSession session = TrainingSession.start(config, out, err, overwrite)) {
            return finish(session, t0, out);
        }
    }

    /**
     * Continues the run in {@code runDir} from its last checkpoint; {@code requested} (null: the run's own
     * configuration) may only change what {@link TrainOptions#RESUME_CHANGEABLE} lists.
     */
    public static TrainedRun resume(Path runDir, TrainConfig requested, PrintStream out, PrintStream err) throws Exception {
        long t0 = System.nanoTime();
        engineThreads((requested == null ? TrainingSession.storedConfig(runDir) : requested).threads());
        try (TrainingSession session = TrainingSession.resume(runDir, requested, out, err)) {
            return finish(session, t0, out);
        }
    }

    private static TrainedRun finish(TrainingSession session, long t0, PrintStream out) throws Exception {
        TrainingSession.Result result = session.run();
        Summary summary = RunArtifacts.finish(session, result, t0, out);
        RunLayout layout = RunLayout.of(result.runDir());
        return new TrainedRun(result.runDir(), summary,
                Optional.of(layout.model()).filter(p -> session.config().export() && Files.isRegularFile(p)),
                Optional.of(layout.reportIndex()).filter(p -> session.config().report() && Files.isRegularFile(p)));
    }

    /**
     * PyTorch's intra-op threads ({@code 0} = all cores) and one inter-op thread: settings DJL's engine reads once, at
     * start-up, so they take effect only before the first DJL call of the process.
     */
    public static void engineThreads(int threads) {
        if (threads < 0) {
            throw new IllegalArgumentException("--threads must be >= 0 (0 = all cores), got " + threads);
        }
        if (threads > 0) {
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        }
        if (System.getProperty("ai.djl.pytorch.num_interop_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
    }
}
