package org.contrastive4j.inference.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.contrastive4j.core.cli.CliCommand;
import org.contrastive4j.core.cli.CliContext;
import org.contrastive4j.core.cli.CliException;
import org.contrastive4j.inference.Embedder;
import org.contrastive4j.core.knn.KnnIndex;
import org.contrastive4j.core.knn.Metric;
import org.contrastive4j.core.knn.Vote;
import org.contrastive4j.core.data.Dataset;

/**
 * {@code index}: embeds a labelled dataset and saves a k-NN index tied to the model, the output it was built on and
 * its normalisation ({@code classify}/{@code evaluate} then read that output by default).
 */
public final class IndexCommand implements CliCommand {



    @Override
    public String name() {
        return "index";
    }

    @Override
    public String summary() {
        return "build a k-NN index from labelled data (transfer classification)";
    }

    @Override
    public Group group() {
        return Group.INFERENCE;
    }

    @Override
    public Options options() {
        Options o = ModelArgs.add(new Options(), "labelled reference samples (train split by default)");
        o.addOption(ModelArgs.required("out", "ref.idx", "index file to write"));
        o.addOption(ModelArgs.optional("metric", "cosine|euclidean", "distance (default cosine)"));
        o.addOption(ModelArgs.optional("k", "K", "neighbours used by classify/evaluate (default 5)"));
        o.addOption(ModelArgs.optional("vote", "majority|distance-weighted", "how neighbours vote (default majority)"));
        return o;
    }

    @Override
    public int run(CommandLine line, CliContext context) throws Exception {
        PrintStream out = context.out();
        Metric metric = Metric.parse(line.getOptionValue("metric", "cosine"));
        int k = line.hasOption("k") ? ModelArgs.intValue(line, "k") : 5;
        Vote vote = Vote.parse(line.getOptionValue("vote", "majority"));
        Path file = Path.of(line.getOptionValue("out"));
        OutputGuard.refuseInputs(line, "out", List.of(file));
        try (Embedder embedder = ModelArgs.openEmbedder(line)) {
            Dataset samples = ModelArgs.load(line, embedder, "train");
            if (!samples.labelled()) {
                throw new CliException(samples.source() + " has no labels; an index needs labelled samples (a CSV label "
                        + "column, class subfolders, IDX labels, or --labels for NPY)");
            }
            float[][] emb = embedder.embed(samples);
            KnnIndex index = KnnIndex.build(emb, samples.labels(), samples.classNames(), metric, embedder.fingerprint(), k, vote);
            index.save(file);
            out.printf(Locale.ROOT, "indexed %d samples, %d classes, dim %d (output %s%s), %s, k=%d %s -> %s%n", index.size(),
                    index.classNames().size(), index.dim(), embedder.info().outputName(),
                    embedder.options().l2Normalize() ? ", L2-normalised" : "", metric, k, vote, file);
            return 0;
        }
    }
}
