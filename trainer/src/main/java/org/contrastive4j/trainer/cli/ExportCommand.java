package org.contrastive4j.trainer.cli;

import ai.djl.ndarray.NDManager;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.contrastive4j.core.cli.CliContext;
import org.contrastive4j.core.contract.RunLayout;
import org.contrastive4j.core.files.AtomicFiles;
import org.contrastive4j.exporter.ExportOptions;
import org.contrastive4j.exporter.ExportReport;
import org.contrastive4j.exporter.OnnxExporter;
import org.contrastive4j.core.cli.CliCommand;
import org.contrastive4j.core.cli.CliException;
import org.contrastive4j.models.DjlRuntime;
import org.contrastive4j.models.ModelCheckpoint;

/**
 * {@code c4j export --run DIR | --checkpoint FILE [--out model.onnx] [--outputs embedding,projection] [--tolerance 1e-5]}:
 * rebuilds the encoder from a checkpoint and exports it with a parity check; the checkpoint's provenance becomes the
 * ONNX metadata.
 */
public final class ExportCommand implements CliCommand {

    @Override
    public String name() {
        return "export";
    }

    @Override
    public String summary() {
        return "export a checkpoint to ONNX (opset 17), checked against DJL by ONNX Runtime";
    }

    @Override
    public Group group() {
        return Group.TRAINING;
    }

    @Override
    public Options options() {
        return new Options()
                .addOption(Option.builder().longOpt("run").hasArg().argName("DIR")
                        .desc("run directory: exports DIR/checkpoints/last.ckpt to DIR/model.onnx").build())
                .addOption(Option.builder().longOpt("checkpoint").hasArg().argName("FILE").desc("checkpoint file (.ckpt)").build())
                .addOption(Option.builder().longOpt("out").hasArg().argName("FILE")
                        .desc("ONNX file to write (default with --run: DIR/model.onnx)").build())
                .addOption(Option.builder().longOpt("outputs").hasArg().argName("LIST")
                        .desc("comma-separated subset of embedding,projection,logits,probabilities (default: embedding, "
                                + "projection, and logits,probabilities when the model has a classifier)").build())
                .addOption(Option.builder().longOpt("tolerance").hasArg().argName("X")
                        .desc("parity tolerance on max |DJL - ONNX| / max(1, max |DJL|) (default 1e-5)").build());
    }

    @Override
    public int run(CommandLine line, CliContext context) throws Exception {
        PrintStream out = context.out();
        boolean hasRun = line.hasOption("run");
        if (hasRun == line.hasOption("checkpoint")) {
            throw new CliException("give exactly one of --run DIR or --checkpoint FILE");
        }
        Path checkpoint;
        Path target;
        if (hasRun) {
            Path dir = Path.of(line.getOptionValue("run"));
            if (!Files.isDirectory(dir)) {
                throw new CliException("run directory " + dir + " does not exist");
            }
            checkpoint = RunLayout.of(dir).lastCheckpoint();
            target = line.hasOption("out") ? Path.of(line.getOptionValue("out")) : RunLayout.of(dir).model();
        } else {
            checkpoint = Path.of(line.getOptionValue("checkpoint"));
            if (!line.hasOption("out")) {
                throw new CliException("--out FILE is required with --checkpoint");
            }
            target = Path.of(line.getOptionValue("out"));
        }
        if (!Files.isRegularFile(checkpoint)) {
            throw new CliException("no checkpoint at " + checkpoint + (hasRun ? " (has the run saved one yet?)" : ""));
        }
        AtomicFiles.requireNotAnInput(target, "--out", checkpoint);
        ExportOptions.Builder options = ExportOptions.builder();
        if (line.hasOption("outputs")) {
            options.outputs(ExportOptions.Output.parseList(line.getOptionValue("outputs")));
        }
        if (line.hasOption("tolerance")) {
            String t = line.getOptionValue("tolerance");
            try {
                options.tolerance(Double.parseDouble(t));
            } catch (NumberFormatException e) {
                throw new CliException("--tolerance '" + t + "' is not a number");
            }
        }
        DjlRuntime.engine();
        ExportReport r;
        try (NDManager manager = NDManager.newBaseManager()) {
            ModelCheckpoint.Loaded loaded = ModelCheckpoint.load(checkpoint, manager);
            options.metadata(loaded.provenance());
            r = OnnxExporter.export(loaded.block(), options.build(), target);
        }
        out.printf(Locale.ROOT, "exported %s%n  parity: max abs diff %.3g (scaled %.3g, tolerance %.3g) over %d checks%n"
                        + "  nodes: %d, size: %d bytes, time: %.2f s%n",
                r.path(), r.maxAbsDiff(), r.maxScaledDiff(), line.hasOption("tolerance")
                        ? Double.parseDouble(line.getOptionValue("tolerance")) : ExportOptions.DEFAULT_TOLERANCE,
                r.diffByCheck().size(), r.nodeCount(), r.fileBytes(), r.seconds());
        return 0;
    }
}
