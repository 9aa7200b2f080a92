package org.contrastive4j.inference.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.contrastive4j.core.cli.CliException;
import org.contrastive4j.inference.Classifier;
import org.contrastive4j.inference.Embedder;
import org.contrastive4j.core.knn.KnnIndex;
import org.contrastive4j.core.knn.Vote;
import org.contrastive4j.core.data.Dataset;

/** Builds the classifier of {@code classify} / {@code evaluate}: a k-NN index when given, else the model's head. */
final class Classifiers {

    private Classifiers() {}

    static Options add(Options o) {
        o.addOption(ModelArgs.optional("index", "ref.idx", "k-NN index from 'index' (default: the model's classifier head)"));
        o.addOption(ModelArgs.optional("k", "K", "neighbours (default: the index's k)"));
        o.addOption(ModelArgs.optional("vote", "majority|distance-weighted", "neighbour vote (default: the index's)"));
        return o;
    }

    static Classifier open(CommandLine line, Embedder embedder) throws IOException {
        if (!line.hasOption("index")) {
            for (String knnOnly : new String[] {"k", "vote"}) {
                if (line.hasOption(knnOnly)) {
                    throw new CliException("--" + knnOnly + " needs --index (the model's classifier head has no neighbours)");
                }
            }
            if (!Classifier.hasHead(embedder.info())) {
                throw new CliException(embedder.info().path() + " has no classifier head (no 'logits' or 'probabilities' "
                        + "output); pass --index ref.idx (build one with 'index')");
            }
            return Classifier.head(embedder);
        }
        KnnIndex index = KnnIndex.load(Path.of(line.getOptionValue("index")));
        int k = line.hasOption("k") ? ModelArgs.intValue(line, "k") : index.defaultK();
        Vote vote = line.hasOption("vote") ? Vote.parse(line.getOptionValue("vote")) : index.defaultVote();
        return Classifier.knn(embedder, index, k, vote);
    }

    private static boolean numbered(List<String> names) {
        for (int c = 0; c < names.size(); c++) {
            if (!names.get(c).equals(Integer.toString(c))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Expresses the samples' labels in the classifier's label space: by class name when the names differ but the
     * samples' classes are all known, by number when either side only carries numbered classes ("0", "1", ...).
     */
    static int[] alignLabels(Dataset samples, List<String> classifierNames) {
        List<String> names = samples.classNames();
        int[] labels = samples.labels();
        if (names.equals(classifierNames)) {
            return labels;
        }
        Map<String, Integer> byName = new HashMap<>();
        for (int c = 0; c < classifierNames.size(); c++) {
            byName.put(classifierNames.get(c), c);
        }
        List<String> unknown = new ArrayList<>();
        int[] mapped = new int[labels.length];
        for (int i = 0; i < labels.length; i++) {
            Integer m = byName.get(names.get(labels[i]));
            if (m == null) {
                if (!unknown.contains(names.get(labels[i]))) {
                    unknown.add(names.get(labels[i]));
                }
            } else {
                mapped[i] = m;
            }
        }
        if (unknown.isEmpty()) {
            return mapped;
        }
        if ((numbered(names) || numbered(classifierNames)) && names.size() <= classifierNames.size()) {
            return labels; // one side only knows class numbers: trust them
        }
        throw new CliException(samples.source() + ": classes " + unknown + " are unknown to the classifier (its classes: "
                + classifierNames + ")");
    }
}
