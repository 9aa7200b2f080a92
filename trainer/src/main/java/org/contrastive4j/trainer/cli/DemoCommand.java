package org.contrastive4j.trainer.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.contrastive4j.core.cli.CliCommand;
import org.contrastive4j.core.cli.CliContext;
import org.contrastive4j.core.cli.CliException;
import org.contrastive4j.core.contract.RunLayout;
import org.contrastive4j.core.contract.Summary;
import org.contrastive4j.core.contract.SummaryField;
import org.contrastive4j.core.data.FashionMnist;
import org.contrastive4j.trainer.RunDirectory;
import org.contrastive4j.trainer.TrainConfig;
import org.contrastive4j.trainer.TrainOptions;
import org.contrastive4j.trainer.Trainer;

/**
 * {@code ./c4j demo}: the whole path on Fashion-MNIST in one command — train a small CNN with SupCon (DJL), export ONNX
 * with a parity check, embed the test split with ONNX Runtime, classify it by k-NN against the training split.
 */
public final class DemoCommand implements CliCommand {

    @Override
    public String name() {
        return "demo";
    }

    @Override
    public String summary() {
        return "train -> export -> verify -> classify on Fashion-MNIST, printing accuracy (writes summary.json)";
    }

    @Override
    public Group group() {
        return Group.TRAINING;
    }

    @Override
    public Options options() {
        Options o = new Options();
        o.addOption(Option.builder().longOpt("out").hasArg().argName("DIR").desc("run directory [default: runs/demo]").build());
        o.addOption(Option.builder().longOpt("data").hasArg().argName("NAME|PATH")
                .desc("fashion-mnist (Debian's package if installed, else the committed subset), fashion-mnist-subset, "
                        + "or a path [default: fashion-mnist]").build());
        o.addOption(Option.builder().longOpt("epochs").hasArg().argName("N")
                .desc("training epochs [default: 15 on the subset, 2 on the full set]").build());
        o.addOption(Option.builder().longOpt("max-steps").hasArg().argName("N").desc("stop after N steps [default: none]").build());
        o.addOption(Option.builder().longOpt("max-train-samples").hasArg().argName("N").desc("limit training samples").build());
        o.addOption(Option.builder().longOpt("max-test-samples").hasArg().argName("N").desc("limit test samples").build());
        o.addOption(Option.builder().longOpt("seed").hasArg().argName("N").desc("random seed [default: 42]").build());
        o.addOption(Option.builder().longOpt("threads").hasArg().argName("N").desc("PyTorch threads [default: all cores]").build());
        o.addOption(Option.builder().longOpt("no-report").desc("skip the HTML report").build());
        o.addOption(Option.builder().longOpt("overwrite")
                .desc("replace the run already in --out (e.g. an earlier demo); without it a used --out is refused").build());
        return o;
    }

    /** The demo's configuration: small-cnn + SupCon, class-balanced batches of 200 (20 per class). */
    static TrainConfig config(CommandLine line) throws CliException {
        String data = line.getOptionValue("data", "fashion-mnist");
        boolean full = data.equals("fashion-mnist") && FashionMnist.debianInstalled();
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("data", data);
        c.put("out", line.getOptionValue("out", "runs/demo"));
        c.put("model", "small-cnn");
        c.put("loss", "supcon");
        c.put("epochs", NumericFlags.intValue(line, "epochs", full ? 2 : 15, 1));
        c.put("max_steps", NumericFlags.intValue(line, "max-steps", 0, 0));
        c.put("max_train_samples", NumericFlags.intValue(line, "max-train-samples", 0, 0));
        c.put("max_test_samples", NumericFlags.intValue(line, "max-test-samples", 0, 0));
        c.put("seed", NumericFlags.longValue(line, "seed", 42));
        c.put("threads", NumericFlags.intValue(line, "threads", 0, 0));
        c.put("batch_size", 200);
        c.put("samples_per_class", 20);
        c.put("lr", 0.1);
        c.put("eval_every", 0);
        c.put("report", !line.hasOption("no-report"));
        return TrainOptions.DEFAULTS.with(c);
    }

    @Override
    public int run(CommandLine line, CliContext context) throws Exception {
        PrintStream out = context.out();
        long t0 = System.nanoTime();
        TrainConfig config = config(line);
        boolean overwrite = line.hasOption("overwrite");
        Path dir = Path.of(config.out());
        if (!overwrite && !RunDirectory.isUnused(dir)) {
            // A demo never reuses a run directory silently: the second ./c4j demo says how to replace the first.
            throw new CliException(dir + " already holds a run (an earlier demo?): pass --overwrite to replace it, or "
                    + "--out DIR for a new one");
        }
        Trainer.TrainedRun run = Trainer.train(config, out, context.err(), overwrite);
        Summary summary = run.summary();
        String split = summary.text(SummaryField.EVAL_SPLIT).orElse("test");
        out.printf(Locale.ROOT, "%n== contrastive4j demo ==%n");
        out.printf(Locale.ROOT, "data:        %s%n", summary.get(SummaryField.DATASET));
        out.printf(Locale.ROOT, "trained:     small-cnn + %s, %.0f epochs on %.0f images (%.0f img/s)%n", summary.get(SummaryField.LOSS),
                summary.number(SummaryField.EPOCHS), summary.number(SummaryField.TRAIN_SIZE), summary.number(SummaryField.IMG_PER_S));
        out.printf(Locale.ROOT, "exported:    %s (parity max abs diff %.2e, %.2e relative to the output's magnitude)%n",
                summary.get(SummaryField.ONNX_PATH), summary.number(SummaryField.EXPORT_MAX_ABS_DIFF),
                summary.number(SummaryField.EXPORT_MAX_SCALED_DIFF));
        out.printf(Locale.ROOT, "verified:    ONNX Runtime vs DJL embeddings of all %.0f %s and training images: max abs diff "
                + "%.2e%n", summary.number(SummaryField.TEST_SIZE), split,
                summary.number(SummaryField.ONNX_VS_DJL_EMBEDDINGS_MAX_ABS_DIFF));
        out.printf(Locale.ROOT, "classified:  %.0f images of the %s split by %d-NN with ONNX Runtime: accuracy %.4f "
                + "(raw-pixel baseline %s; linear probe %.4f, 1-NN %.4f%s)%n", summary.number(SummaryField.TEST_SIZE),
                split, config.knnK(), summary.number(SummaryField.TEST_ACCURACY),
                summary.has(SummaryField.BASELINE_KNN_ACC) ? String.format(Locale.ROOT, "%.4f",
                        summary.number(SummaryField.BASELINE_KNN_ACC)) : "skipped",
                summary.number(SummaryField.ONNX_LINEAR_PROBE_ACC), summary.number(SummaryField.ONNX_NN1_ACC),
                config.data().startsWith("fashion-mnist") ? "; chance 0.10" : "");
        out.printf(Locale.ROOT, "deploy:      ./c4j classify --model %s --input IMAGES (the linear probe is its classifier "
                + "head); ./c4j index/embed use its %s output%n", summary.get(SummaryField.ONNX_PATH),
                summary.text(SummaryField.SIMILARITY_OUTPUT).orElse("embedding"));
        out.printf(Locale.ROOT, "summary:     %s (%.1f s)%n", RunLayout.of(run.directory()).summary(),
                summary.number(SummaryField.SECONDS));
        return 0;
    }
}
