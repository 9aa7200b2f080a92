package org.contrastive4j.inference.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.contrastive4j.core.cli.CliCommand;
import org.contrastive4j.core.cli.CliContext;
import org.contrastive4j.core.data.Dataset;
import org.contrastive4j.core.data.EmbeddingWriters;
import org.contrastive4j.inference.Embedder;

/**
 * {@code embed}: writes one embedding per input sample, each row with its id (CSV, NPY + ids file, or JSONL; CSV on
 * stdout without --output). Streams: a slice of samples is embedded and written before the next is read, so memory
 * does not grow with the input beyond what the input reader itself holds.
 */
public final class EmbedCommand implements CliCommand {

    @Override
    public String name() {
        return "embed";
    }

    @Override
    public String summary() {
        return "embed samples with an ONNX model (CSV / NPY / JSONL output, one row per sample with its id)";
    }

    @Override
    public Group group() {
        return Group.INFERENCE;
    }

    @Override
    public Options options() {
        Options o = ModelArgs.add(new Options(), "samples to embed");
        o.addOption(ModelArgs.optional("output", "Y.csv|.npy|.jsonl", "where to write embeddings (default: CSV on stdout); "
                + ".npy also writes Y.ids.txt (and Y.labels.npy for labelled input)"));
        return o;
    }

    @Override
    public int run(CommandLine line, CliContext context) throws Exception {
        PrintStream out = context.out();
        Path output = line.hasOption("output") ? Path.of(line.getOptionValue("output")) : null;
        if (output != null) {
            EmbeddingWriters.Format.of(output); // an unsupported extension is refused before any work
            OutputGuard.refuseInputs(line, "output", EmbeddingWriters.outputFiles(output, true, true));
        }
        try (Embedder embedder = ModelArgs.openEmbedder(line)) {
            Dataset samples = ModelArgs.load(line, embedder, "test");
            long t0 = System.nanoTime();
            int dim = write(embedder, samples, output, out, new Streaming.Progress(context.err(), "embedded", samples.size()));
            if (output != null) {
                out.printf(Locale.ROOT, "embedded %d samples (%s, dim %d) in %.2f s -> %s%n", samples.size(),
                        embedder.info().outputName(), dim, (System.nanoTime() - t0) / 1e9, output);
            }
            return 0;
        }
    }

    /**
     * Embeds {@code samples} slice by slice and writes each slice before the next is read: to {@code output} (its
     * format by extension), or as CSV to {@code stdout} when {@code output} is null. Every row carries the sample's
     * id, and its label when the samples are labelled.
     *
     * @return the embedding dimension (0 for no samples)
     */
    static int write(Embedder embedder, Dataset samples, Path output, OutputStream stdout, Streaming.Progress progress)
            throws IOException {
        int n = samples.size();
        int[] dim = {0};
        EmbeddingWriters.BatchSource rows = (from, to) -> {
            float[][] e = embedder.embed(samples, from, to);
            dim[0] = e.length == 0 ? dim[0] : e[0].length;
            progress.done(to);
            return e;
        };
        EmbeddingWriters.RowColumns columns = samples.labelled() ? EmbeddingWriters.RowColumns.of(samples)
                : new EmbeddingWriters.RowColumns(samples::id, null, List.of());
        int slice = Streaming.slice(embedder);
        if (output == null) {
            EmbeddingWriters.writeCsv(stdout, n, slice, rows, columns);
            stdout.flush();
        } else {
            EmbeddingWriters.write(output, n, slice, rows, columns);
        }
        return dim[0];
    }
}
