package org.contrastive4j.inference.cli;

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
            int n = samples.size();
            int slice = Streaming.slice(embedder);
            Streaming.Progress progress = new Streaming.Progress(context.err(), "embedded", n);
            int[] dim = {0};
            EmbeddingWriters.BatchSource rows = (from, to) -> {
                float[][] e = embedder.embed(samples, from, to);
                dim[0] = e.length == 0 ? dim[0] : e[0].length;
                progress.done(to);
                return e;
            };
            EmbeddingWriters.RowColumns columns = samples.labelled() ? EmbeddingWriters.RowColumns.of(samples)
                    : new EmbeddingWriters.RowColumns(samples::id, null, List.of());
            long t0 = System.nanoTime();
            if (output == null) {
                EmbeddingWriters.writeCsv(out, n, slice, rows, columns);
                out.flush();
                return 0;
            }
            EmbeddingWriters.write(output, n, slice, rows, columns);
            double seconds = (System.nanoTime() - t0) / 1e9;
            out.printf(Locale.ROOT, "embedded %d samples (%s, dim %d) in %.2f s -> %s%n", n, embedder.info().outputName(),
                    dim[0], seconds, output);
            return 0;
        }
    }
}
