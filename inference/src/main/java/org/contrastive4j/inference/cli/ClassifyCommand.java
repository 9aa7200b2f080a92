package org.contrastive4j.inference.cli;

import com.google.gson.Gson;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.contrastive4j.core.cli.CliCommand;
import org.contrastive4j.core.cli.CliContext;
import org.contrastive4j.core.data.Dataset;
import org.contrastive4j.core.data.EmbeddingWriters;
import org.contrastive4j.core.data.EmbeddingWriters.Format;
import org.contrastive4j.core.files.AtomicFiles;
import org.contrastive4j.core.knn.Prediction;
import org.contrastive4j.inference.Classifier;
import org.contrastive4j.inference.Embedder;

/**
 * {@code classify}: labels samples with a k-NN index or the model's head; JSONL (or CSV) of id, label, class name,
 * score, one row per sample. Streams like {@code embed}: a slice is classified and written before the next is read.
 */
public final class ClassifyCommand implements CliCommand {

    /** The formats predictions are written in. */
    static final Format[] FORMATS = {Format.JSONL, Format.CSV};
    private static final Gson GSON = new Gson();

    @Override
    public String name() {
        return "classify";
    }

    @Override
    public String summary() {
        return "classify samples with a k-NN index or the model's classifier head";
    }

    @Override
    public Group group() {
        return Group.INFERENCE;
    }

    @Override
    public Options options() {
        Options o = Classifiers.add(ModelArgs.add(new Options(), "samples to classify"));
        o.addOption(ModelArgs.optional("output", "preds.jsonl|.csv", "where to write predictions (default: JSONL on stdout); "
                + "supported: " + Format.extensions(FORMATS)));
        return o;
    }

    @Override
    public int run(CommandLine line, CliContext context) throws Exception {
        PrintStream out = context.out();
        Path output = line.hasOption("output") ? Path.of(line.getOptionValue("output")) : null;
        Format format = output == null ? Format.JSONL : Format.of(output, FORMATS);
        if (output != null) {
            OutputGuard.refuseInputs(line, "output", List.of(output));
        }
        try (Embedder embedder = ModelArgs.openEmbedder(line)) {
            Classifier classifier = Classifiers.open(line, embedder);
            Dataset samples = ModelArgs.load(line, embedder, "test");
            Streaming.Progress progress = new Streaming.Progress(context.err(), "classified", samples.size());
            int slice = Streaming.slice(embedder);
            if (output == null) {
                write(out, format, samples, classifier, slice, progress);
                out.flush();
                return 0;
            }
            AtomicFiles.write(output, o -> write(o, format, samples, classifier, slice, progress));
            out.printf(Locale.ROOT, "classified %d samples (%s) -> %s%n", samples.size(),
                    classifier.usesHead() ? "classifier head" : "k-NN index", output);
            return 0;
        }
    }

    private static void write(OutputStream stream, Format format, Dataset samples, Classifier classifier, int slice,
            Streaming.Progress progress) throws IOException {
        Writer w = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), 1 << 16);
        if (format == Format.CSV) {
            w.write("id,label,class_name,score\n");
        }
        StringBuilder sb = new StringBuilder();
        int n = samples.size();
        for (int from = 0; from < n; from += slice) {
            int to = Math.min(n, from + slice);
            Prediction[] p = classifier.classify(samples, from, to);
            for (int i = from; i < to; i++) {
                sb.setLength(0);
                if (format == Format.CSV) {
                    csvRow(sb, samples.id(i), p[i - from]);
                } else {
                    jsonRow(sb, samples.id(i), i, p[i - from]);
                }
                w.append(sb);
            }
            progress.done(to);
        }
        w.flush();
    }

    /** {@code {"id":..,"label":..,"class_name":..,"score":..}}; the id is a number when it is the row index. */
    static void jsonRow(StringBuilder sb, String id, int row, Prediction p) {
        EmbeddingWriters.jsonId(sb.append("{\"id\":"), id, row);
        sb.append(",\"label\":").append(p.label()).append(",\"class_name\":").append(GSON.toJson(p.className()))
                .append(",\"score\":").append(p.score()).append("}\n");
    }

    /** {@code id,label,class_name,score}, text cells made spreadsheet-safe ({@link EmbeddingWriters#csvCell}). */
    static void csvRow(StringBuilder sb, String id, Prediction p) {
        sb.append(EmbeddingWriters.csvCell(id)).append(',').append(p.label()).append(',')
                .append(EmbeddingWriters.csvCell(p.className())).append(',').append(p.score()).append('\n');
    }
}
