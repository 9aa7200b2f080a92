package org.contrastive4j.inference.cli;

import com.google.gson.JsonObject;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.contrastive4j.core.cli.CliCommand;
import org.contrastive4j.core.cli.CliContext;
import org.contrastive4j.inference.Classifier;
import org.contrastive4j.inference.Embedder;
import org.contrastive4j.core.knn.Prediction;
import org.contrastive4j.core.data.CsvFiles;
import org.contrastive4j.core.data.Dataset;
import org.contrastive4j.core.files.AtomicFiles;

/** {@code classify}: labels samples with a k-NN index or the model's head; JSONL (or CSV) of id, label, class name, score. */
public final class ClassifyCommand implements CliCommand {



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
        o.addOption(ModelArgs.optional("output", "preds.jsonl|.csv", "where to write predictions (default: JSONL on stdout)"));
        return o;
    }

    @Override
    public int run(CommandLine line, CliContext context) throws Exception {
        PrintStream out = context.out();
        try (Embedder embedder = ModelArgs.openEmbedder(line)) {
            Classifier classifier = Classifiers.open(line, embedder);
            Dataset samples = ModelArgs.load(line, embedder, "test");
            Prediction[] predictions = classifier.classify(samples);
            String[] ids = new String[predictions.length];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = samples.id(i);
            }
            String output = line.getOptionValue("output");
            boolean csv = output != null && output.toLowerCase(Locale.ROOT).endsWith(".csv");
            String text = csv ? csv(ids, predictions) : jsonl(ids, predictions);
            if (output == null) {
                out.print(text);
                out.flush();
            } else {
                AtomicFiles.writeString(Path.of(output), text);
                out.printf(Locale.ROOT, "classified %d samples (%s) -> %s%n", predictions.length,
                        classifier.usesHead() ? "classifier head" : "k-NN index", output);
            }
            return 0;
        }
    }

    /** One JSON object per line; the id is the row number, or the image's relative path for image folders. */
    static String jsonl(String[] ids, Prediction[] predictions) {
        StringBuilder sb = new StringBuilder(predictions.length * 64);
        for (int i = 0; i < predictions.length; i++) {
            JsonObject o = new JsonObject();
            if (ids[i].equals(Integer.toString(i))) {
                o.addProperty("id", i);
            } else {
                o.addProperty("id", ids[i]);
            }
            o.addProperty("label", predictions[i].label());
            o.addProperty("class_name", predictions[i].className());
            o.addProperty("score", predictions[i].score());
            sb.append(o).append('\n');
        }
        return sb.toString();
    }

    static String csv(String[] ids, Prediction[] predictions) {
        StringBuilder sb = new StringBuilder("id,label,class_name,score\n");
        for (int i = 0; i < predictions.length; i++) {
            sb.append(CsvFiles.quote(ids[i])).append(',').append(predictions[i].label()).append(',')
                    .append(CsvFiles.quote(predictions[i].className())).append(',').append(predictions[i].score()).append('\n');
        }
        return sb.toString();
    }
}
