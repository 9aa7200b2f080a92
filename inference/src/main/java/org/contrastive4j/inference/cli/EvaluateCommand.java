package org.contrastive4j.inference.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.contrastive4j.core.cli.CliCommand;
import org.contrastive4j.core.cli.CliContext;
import org.contrastive4j.core.cli.CliException;
import org.contrastive4j.inference.Classifier;
import org.contrastive4j.inference.Embedder;
import org.contrastive4j.core.knn.Prediction;
import org.contrastive4j.core.eval.ConfusionMatrix;
import org.contrastive4j.core.eval.Metrics;
import org.contrastive4j.core.data.Dataset;
import org.contrastive4j.core.files.AtomicFiles;

/** {@code evaluate}: accuracy (overall and per class) on labelled data, a confusion-matrix PNG and a JSON summary. */
public final class EvaluateCommand implements CliCommand {



    @Override
    public String name() {
        return "evaluate";
    }

    @Override
    public String summary() {
        return "accuracy on labelled data; writes a confusion-matrix PNG";
    }

    @Override
    public Group group() {
        return Group.INFERENCE;
    }

    @Override
    public Options options() {
        Options o = Classifiers.add(ModelArgs.add(new Options(), "labelled test samples (test split by default)"));
        o.addOption(ModelArgs.optional("out", "DIR", "directory for confusion-matrix.png and evaluation.json (default .)"));
        return o;
    }

    @Override
    public int run(CommandLine line, CliContext context) throws Exception {
        PrintStream out = context.out();
        Path dir = Path.of(line.getOptionValue("out", "."));
        Path png = dir.resolve("confusion-matrix.png");
        Path json = dir.resolve("evaluation.json");
        OutputGuard.refuseInputs(line, "out", List.of(png, json));
        try (Embedder embedder = ModelArgs.openEmbedder(line)) {
            Classifier classifier = Classifiers.open(line, embedder);
            Dataset samples = ModelArgs.load(line, embedder, "test");
            if (!samples.labelled()) {
                throw new CliException(samples.source() + " has no labels; evaluate needs labelled samples");
            }
            int[] truth = Classifiers.alignLabels(samples, classifier.classNames());
            Prediction[] predictions = classifier.classify(samples);
            int[] predicted = Metrics.labels(predictions);
            double accuracy = Metrics.accuracy(predicted, truth);
            ConfusionMatrix cm = ConfusionMatrix.of(truth, predicted, classifier.classNames());
            cm.writePng(png, "confusion matrix: " + samples.source());
            AtomicFiles.writeString(json, summary(line, classifier, cm, accuracy));

            out.printf(Locale.ROOT, "accuracy %.4f (%d/%d) with %s%n", accuracy, Math.round(accuracy * truth.length),
                    truth.length, classifier.usesHead() ? "the classifier head" : "k-NN index " + line.getOptionValue("index"));
            double[] perClass = cm.perClassAccuracy();
            List<String> names = cm.classNames();
            for (int c = 0; c < perClass.length; c++) {
                if (!Double.isNaN(perClass[c])) {
                    out.printf(Locale.ROOT, "  %-20s %.4f%n", names.get(c), perClass[c]);
                }
            }
            out.print(cm.format());
            out.println("confusion matrix -> " + png);
            return 0;
        }
    }

    private static String summary(CommandLine line, Classifier classifier, ConfusionMatrix cm, double accuracy) {
        JsonObject o = new JsonObject();
        o.addProperty("model", line.getOptionValue("model"));
        o.addProperty("input", line.getOptionValue("input"));
        o.addProperty("classifier", classifier.usesHead() ? "head" : "knn");
        if (line.hasOption("index")) {
            o.addProperty("index", line.getOptionValue("index"));
        }
        o.addProperty("samples", cm.total());
        o.addProperty("accuracy", accuracy);
        JsonObject per = new JsonObject();
        double[] pc = cm.perClassAccuracy();
        for (int c = 0; c < pc.length; c++) {
            if (!Double.isNaN(pc[c])) {
                per.addProperty(cm.classNames().get(c), pc[c]);
            }
        }
        o.add("per_class_accuracy", per);
        JsonArray rows = new JsonArray();
        for (int r = 0; r < cm.numClasses(); r++) {
            JsonArray row = new JsonArray();
            for (int c = 0; c < cm.numClasses(); c++) {
                row.add(cm.count(r, c));
            }
            rows.add(row);
        }
        o.add("confusion_matrix", rows);
        return new GsonBuilder().setPrettyPrinting().create().toJson(o) + "\n";
    }
}
