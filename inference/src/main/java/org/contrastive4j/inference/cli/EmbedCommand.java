package org.contrastive4j.inference.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.contrastive4j.core.cli.CliCommand;
import org.contrastive4j.core.cli.CliContext;
import org.contrastive4j.inference.Embedder;
import org.contrastive4j.core.data.EmbeddingWriters;
import org.contrastive4j.core.data.Dataset;

/** {@code embed}: writes one embedding per input sample (CSV, NPY or JSONL; CSV on stdout without --output). */
public final class EmbedCommand implements CliCommand {



    @Override
    public String name() {
        return "embed";
    }

    @Override
    public String summary() {
        return "embed samples with an ONNX model (CSV / NPY / JSONL output)";
    }

    @Override
    public Group group() {
        return Group.INFERENCE;
    }

    @Override
    public Options options() {
        Options o = ModelArgs.add(new Options(), "samples to embed");
        o.addOption(ModelArgs.optional("output", "Y.csv|.npy|.jsonl", "where to write embeddings (default: CSV on stdout)"));
        return o;
    }

    @Override
    public int run(CommandLine line, CliContext context) throws Exception {
        PrintStream out = context.out();
        try (Embedder embedder = ModelArgs.openEmbedder(line)) {
            Dataset samples = ModelArgs.load(line, embedder, "test");
            long t0 = System.nanoTime();
            float[][] emb = embedder.embed(samples);
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (!line.hasOption("output")) {
                StringBuilder sb = new StringBuilder();
                for (float[] row : emb) {
                    for (int j = 0; j < row.length; j++) {
                        sb.append(j == 0 ? "" : ",").append(row[j]);
                    }
                    sb.append('\n');
                }
                out.print(sb);
                out.flush();
                return 0;
            }
            Path output = Path.of(line.getOptionValue("output"));
            EmbeddingWriters.Columns columns = samples.labelled()
                    ? new EmbeddingWriters.Columns(null, samples.labels(), samples.classNames(), null)
                    : EmbeddingWriters.Columns.NONE;
            EmbeddingWriters.write(output, emb, columns);
            out.printf(Locale.ROOT, "embedded %d samples (%s, dim %d) in %.2f s -> %s%n", emb.length,
                    embedder.info().outputName(), emb.length == 0 ? 0 : emb[0].length, seconds, output);
            return 0;
        }
    }
}
