package org.contrastive4j.trainer.cli;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.contrastive4j.core.cli.CliContext;
import org.contrastive4j.core.contract.MetadataKeys;
import org.contrastive4j.core.contract.ModelMetadata;
import org.contrastive4j.core.contract.RunLayout;
import org.contrastive4j.core.contract.ToolkitVersion;
import org.contrastive4j.core.files.AtomicFiles;
import org.contrastive4j.exporter.ExportOptions;
import org.contrastive4j.exporter.ExportReport;
import org.contrastive4j.exporter.OnnxExporter;
import org.contrastive4j.core.cli.CliCommand;
import org.contrastive4j.core.cli.CliException;
import org.contrastive4j.models.DjlRuntime;
import org.contrastive4j.models.EncoderBlock;
import org.contrastive4j.models.Encoders;
import org.contrastive4j.models.ModelCheckpoint;
import org.contrastive4j.models.ModelSpec;
import org.contrastive4j.models.weights.ResNetWeights;
import org.contrastive4j.trainer.FinishedRun;
import org.contrastive4j.trainer.RunArtifacts;
import org.contrastive4j.trainer.RunEvaluation;

/**
 * {@code c4j export --run DIR | --checkpoint FILE [--out model.onnx] [--outputs embedding,projection] [--tolerance 1e-5]}:
 * rebuilds the encoder from a checkpoint and exports it with a parity check; the checkpoint's provenance becomes the
 * ONNX metadata.
 *
 * <p>{@code c4j export --init-weights W.safetensors [--model resnet18] [--input-shape 3,224,224] --out m.onnx}: the
 * pretrained backbone, untrained, as an embedding model (the zero-shot baseline): {@code embedding} is the backbone's
 * pooled features, {@code projection} their L2-normalised copy (no head with random weights is exported), with
 * ImageNet's mean/std in the metadata.
 */
public final class ExportCommand implements CliCommand {

    @Override
    public String name() {
        return "export";
    }

    @Override
    public String summary() {
        return "export a checkpoint (or pretrained ResNet weights) to ONNX (opset 17), checked against DJL by ONNX Runtime";
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
                        .desc("comma-separated subset of embedding,projection,logits,probabilities,embedding_centered "
                                + "(default: embedding, projection, and logits,probabilities when the model has a classifier; "
                                + "with --run also embedding_centered and, without a classifier, the run's linear probe as "
                                + "logits,probabilities)").build())
                .addOption(Option.builder().longOpt("tolerance").hasArg().argName("X")
                        .desc("parity tolerance on max |DJL - ONNX| / max(1, max |DJL|) (default 1e-5)").build())
                .addOption(Option.builder().longOpt("init-weights").hasArg().argName("FILE")
                        .desc("export pretrained torchvision/timm ResNet-18/34/50 weights (safetensors or torch.save .pth) "
                                + "untrained: embedding = the backbone's pooled features, projection = their L2-normalised "
                                + "copy; ImageNet mean/std in the metadata; needs --out").build())
                .addOption(Option.builder().longOpt("model").hasArg().argName("NAME")
                        .desc("with --init-weights: the family the weights must be (resnet18, resnet34, resnet50; default: "
                                + "whatever they are)").build())
                .addOption(Option.builder().longOpt("input-shape").hasArg().argName("C,H,W")
                        .desc("with --init-weights: the model's per-sample input shape (default: the weights' channels, "
                                + "224, 224)").build());
    }

    @Override
    public int run(CommandLine line, CliContext context) throws Exception {
        PrintStream out = context.out();
        boolean hasRun = line.hasOption("run");
        boolean fromWeights = line.hasOption("init-weights");
        if ((hasRun ? 1 : 0) + (line.hasOption("checkpoint") ? 1 : 0) + (fromWeights ? 1 : 0) != 1) {
            throw new CliException("give exactly one of --run DIR or --checkpoint FILE (or --init-weights FILE to export "
                    + "pretrained weights)");
        }
        for (String flag : new String[] {"model", "input-shape"}) {
            if (line.hasOption(flag) && !fromWeights) {
                throw new CliException("--" + flag + " is only used with --init-weights (a checkpoint knows its model)");
            }
        }
        Path checkpoint;
        Path target;
        if (fromWeights) {
            if (!line.hasOption("out")) {
                throw new CliException("--out FILE is required with --init-weights");
            }
            checkpoint = Path.of(line.getOptionValue("init-weights"));
            target = Path.of(line.getOptionValue("out"));
        } else if (hasRun) {
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
            throw new CliException(fromWeights ? "no weight file at " + checkpoint
                    : "no checkpoint at " + checkpoint + (hasRun ? " (has the run saved one yet?)" : ""));
        }
        try {
            AtomicFiles.requireNotAnInput(target, "--out", checkpoint);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
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
            ExportReport fromRun = hasRun ? exportRun(line, Path.of(line.getOptionValue("run")), options, target, out) : null;
            if (fromRun != null) {
                r = fromRun;
            } else if (fromWeights) {
                r = exportWeights(line, checkpoint, manager, options, target, out);
            } else {
                ModelCheckpoint.Loaded loaded = ModelCheckpoint.load(checkpoint, manager);
                options.metadata(loaded.provenance());
                r = OnnxExporter.export(loaded.block(), options.build(), target);
            }
        }
        out.printf(Locale.ROOT, "exported %s%n  parity: max abs diff %.3g (scaled %.3g, tolerance %.3g) over %d checks%n"
                        + "  nodes: %d, size: %d bytes, time: %.2f s%n",
                r.path(), r.maxAbsDiff(), r.maxScaledDiff(), line.hasOption("tolerance")
                        ? Double.parseDouble(line.getOptionValue("tolerance")) : ExportOptions.DEFAULT_TOLERANCE,
                r.diffByCheck().size(), r.nodeCount(), r.fileBytes(), r.seconds());
        return 0;
    }

    /**
     * A run exported as {@code train} exports it: with its data, the final evaluation gives the centred embedding and
     * the linear probe head. Returns {@code null} (export the checkpoint alone) when {@code --outputs} asks for
     * neither, or when the run's data cannot be loaded (said on {@code out}).
     */
    private static ExportReport exportRun(CommandLine line, Path dir, ExportOptions.Builder options, Path target,
            PrintStream out) throws Exception {
        if (line.hasOption("outputs") && ExportOptions.Output.parseList(line.getOptionValue("outputs")).stream()
                .allMatch(o -> o == ExportOptions.Output.EMBEDDING || o == ExportOptions.Output.PROJECTION)) {
            return null;
        }
        FinishedRun run;
        try {
            run = FinishedRun.open(dir);
        } catch (IOException | IllegalArgumentException e) {
            out.println("note: the run's data cannot be loaded (" + e.getMessage() + "): exporting the checkpoint without "
                    + "the linear probe head and embedding_centered, which need it");
            return null;
        }
        try (run) {
            RunEvaluation.Embedded evaluation = run.evaluation();
            ExportOptions.Builder o = RunArtifacts.exportOptions(run.block(), run.data(), run.provenance(), evaluation);
            ExportOptions given = options.build();
            given.outputs().ifPresent(o::outputs);
            o.tolerance(given.tolerance());
            return OnnxExporter.export(run.block(), o.build(), target);
        }
    }

    /** The pretrained backbone with an L2-normalisation-only head, exported with the weights' provenance. */
    private static ExportReport exportWeights(CommandLine line, Path weights, NDManager manager, ExportOptions.Builder options,
            Path target, PrintStream out) throws IOException {
        try (ResNetWeights w = ResNetWeights.open(weights)) {
            String model = line.getOptionValue("model", w.family());
            if (!ModelSpec.isResNet(model)) {
                throw new CliException("--model " + model + ": --init-weights loads resnet18, resnet34 or resnet50 weights");
            }
            int[] shape = line.hasOption("input-shape") ? inputShape(line.getOptionValue("input-shape"))
                    : new int[] {w.inputChannels(), 224, 224};
            ModelSpec spec = w.spec(model, shape).withProjectionDims();
            EncoderBlock block = Encoders.build(spec).initialize(manager);
            ResNetWeights.LoadReport report = w.load(block);
            out.printf(Locale.ROOT, "%s: %s; %s%n", weights, w.describe(), report.describe());
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put(MetadataKeys.INPUT_MEAN, ModelMetadata.floats(ResNetWeights.inputMean(shape[0])));
            meta.put(MetadataKeys.INPUT_STD, ModelMetadata.floats(ResNetWeights.inputStd(shape[0])));
            meta.put(MetadataKeys.INIT_WEIGHTS, weights.getFileName() + " sha256 " + w.sha256() + " " + w.describe());
            meta.put(MetadataKeys.ENGINE, DjlRuntime.describe());
            meta.put(MetadataKeys.TOOLKIT_VERSION, ToolkitVersion.get());
            options.metadata(meta);
            return OnnxExporter.export(block, options.build(), target);
        }
    }

    private static int[] inputShape(String text) {
        String[] parts = text.split("[,x ]+");
        int[] shape = new int[parts.length];
        try {
            for (int i = 0; i < parts.length; i++) {
                shape[i] = Integer.parseInt(parts[i].trim());
            }
        } catch (NumberFormatException e) {
            throw new CliException("--input-shape must be C,H,W (e.g. 3,224,224), got '" + text + "'");
        }
        if (shape.length != 3 || shape[0] <= 0 || shape[1] <= 0 || shape[2] <= 0) {
            throw new CliException("--input-shape must be three positive integers C,H,W (e.g. 3,224,224), got '" + text + "'");
        }
        return shape;
    }
}
