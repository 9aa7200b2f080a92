package org.contrastive4j.inference.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.contrastive4j.core.cli.CliException;
import org.contrastive4j.core.device.DeviceSpec;
import org.contrastive4j.inference.Embedder;
import org.contrastive4j.inference.EmbedderOptions;
import org.contrastive4j.core.data.DataSources;
import org.contrastive4j.core.data.Dataset;
import org.contrastive4j.core.data.LoadOptions;

/** The options every inference command shares: the model, how to run it, and how to read the input. */
final class ModelArgs {

    private ModelArgs() {}

    static Option required(String name, String arg, String desc) {
        return Option.builder().longOpt(name).hasArg().argName(arg).required().desc(desc).build();
    }

    static Option optional(String name, String arg, String desc) {
        return Option.builder().longOpt(name).hasArg().argName(arg).desc(desc).build();
    }

    static Option flag(String name, String desc) {
        return Option.builder().longOpt(name).desc(desc).build();
    }

    /** Adds --model, --input and the runtime / preprocessing / reading options. */
    static Options add(Options o, String inputDesc) {
        o.addOption(required("model", "M.onnx", "ONNX model (a contrastive4j export or any single-input float model)"));
        o.addOption(Option.builder().longOpt("input").hasArgs().argName("X...").required()
                .desc(inputDesc + "; " + DataSources.ACCEPTED + "; several image files or globs may follow one --input "
                        + "(images are fitted to the model's input shape: cover + centre crop)").build());
        o.addOption(optional("device", "D", DeviceSpec.GRAMMAR + "; auto = a GPU when this ONNX Runtime build has CUDA, else the CPU (default auto)"));
        o.addOption(optional("batch-size", "N", "samples per ONNX Runtime call (default 256)"));
        o.addOption(optional("threads", "N", "ONNX Runtime intra-op threads (default 0 = one per physical core)"));
        o.addOption(optional("output-name", "NAME", "model output to use (default: the one the model "
                + "names for similarity, embedding_centered in models trained here, else embedding, else the first output)"));
        o.addOption(flag("normalize", "L2-normalise embeddings"));
        o.addOption(optional("input-shape", "C,H,W", "per-sample input shape, for models that do not declare it"));
        o.addOption(optional("mean", "M[,M..]", "per-channel mean to subtract from the raw input (default: the model's metadata, else none; --mean 0 --std 1 turns it off)"));
        o.addOption(optional("std", "S[,S..]", "per-channel std to divide by (with --mean)"));
        o.addOption(optional("split", "train|test", "split to read from inputs holding both (IDX, CIFAR)"));
        o.addOption(optional("label-column", "COL", "CSV label column: name, 0-based index, -1 = last, or none"));
        o.addOption(optional("labels", "Y.npy", "labels for an NPY (or IDX) input"));
        o.addOption(flag("skip-unreadable", "leave out image files that cannot be decoded (reported with a count) "
                + "instead of stopping at the first"));
        return o;
    }

    static EmbedderOptions embedderOptions(CommandLine line) {
        EmbedderOptions.Builder b = EmbedderOptions.builder();
        if (line.hasOption("device")) {
            b.device(line.getOptionValue("device"));
        }
        if (line.hasOption("batch-size")) {
            b.batchSize(intValue(line, "batch-size"));
        }
        if (line.hasOption("threads")) {
            b.intraOpThreads(intValue(line, "threads"));
        }
        b.outputName(line.getOptionValue("output-name"));
        b.l2Normalize(line.hasOption("normalize"));
        if (line.hasOption("input-shape")) {
            b.inputShape(ints(line.getOptionValue("input-shape"), "input-shape"));
        }
        if (line.hasOption("mean") != line.hasOption("std")) {
            throw new CliException("--mean and --std must be given together");
        }
        if (line.hasOption("mean")) {
            b.mean(floats(line.getOptionValue("mean"), "mean"));
            b.std(floats(line.getOptionValue("std"), "std"));
        }
        return b.build();
    }

    static Embedder openEmbedder(CommandLine line) throws IOException {
        return Embedder.open(Path.of(line.getOptionValue("model")), embedderOptions(line));
    }

    /**
     * Opens the {@code --input} values shaped for the model: CSV/NPY rows reshaped, images (files, folders, lists,
     * globs, manifests) fitted to its input shape and decoded on demand; each sample's {@link Dataset#id} is its file
     * path relative to the input (or as given), else its row index.
     */
    static Dataset load(CommandLine line, Embedder embedder, String defaultSplit) throws IOException {
        LoadOptions.Builder b = LoadOptions.builder().split(line.getOptionValue("split", defaultSplit))
                .labelColumn(line.getOptionValue("label-column")).sampleShape(embedder.info().inputShape())
                .skipUnreadable(line.hasOption("skip-unreadable")).sequential(true);
        if (line.hasOption("labels")) {
            b.labelsPath(Path.of(line.getOptionValue("labels")));
        }
        List<String> inputs = Arrays.asList(line.getOptionValues("input"));
        Dataset s = DataSources.open(inputs, b.build());
        if (s.size() == 0) {
            throw new CliException(String.join(" ", inputs) + ": no samples");
        }
        return s;
    }

    static int intValue(CommandLine line, String name) {
        String v = line.getOptionValue(name);
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new CliException("--" + name + " must be an integer, got '" + v + "'");
        }
    }

    static int[] ints(String text, String name) {
        try {
            return Arrays.stream(text.split("[,x ]+")).filter(s -> !s.isBlank()).mapToInt(s -> Integer.parseInt(s.trim())).toArray();
        } catch (NumberFormatException e) {
            throw new CliException("--" + name + " must be comma-separated integers, got '" + text + "'");
        }
    }

    static float[] floats(String text, String name) {
        String[] parts = text.split(",");
        float[] v = new float[parts.length];
        try {
            for (int i = 0; i < parts.length; i++) {
                v[i] = Float.parseFloat(parts[i].trim());
            }
        } catch (NumberFormatException e) {
            throw new CliException("--" + name + " must be comma-separated numbers, got '" + text + "'");
        }
        return v;
    }
}
