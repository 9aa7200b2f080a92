package org.contrastive4j.trainer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.contrastive4j.core.data.DataSources;
import org.contrastive4j.core.data.FashionMnist;
import org.contrastive4j.core.data.LoadOptions;
import org.contrastive4j.core.data.Samples;
import org.contrastive4j.core.data.Splits;
import org.contrastive4j.trainer.data.Normalization;

/**
 * The data of one run: training samples, held-out evaluation samples (the test split, or the transfer classes), an
 * optional validation split, and the per-channel normalisation. Also says in words where the data came from and
 * which split the evaluation measures ({@link #evalSplit()}), for the first line of output, summary.json, the report
 * and the ONNX metadata.
 *
 * @param evalSplit which held-out split {@code evalQuery} is, e.g. {@code test} or
 *     {@code validation (stratified 10% of the training data, seed 42)}
 */
public record TrainingData(String description, Samples train, Samples validation, Samples evalReference, Samples evalQuery,
        Normalization normalization, String evalSplit) {

    public int numClasses() {
        return train.numClasses();
    }

    public static TrainingData load(TrainConfig c) throws IOException {
        Path trainPath;
        Path testPath;
        String description;
        Normalization norm = null;
        switch (c.data()) {
            case "fashion-mnist", "fashion-mnist-subset" -> {
                boolean full = c.data().equals("fashion-mnist") && FashionMnist.debianInstalled();
                trainPath = full ? FashionMnist.DEBIAN_DIR : FashionMnist.subsetDir();
                testPath = trainPath;
                description = full ? "Fashion-MNIST (Debian dataset-fashion-mnist, " + trainPath + ")"
                        : "Fashion-MNIST committed subset (" + trainPath.normalize() + ")"
                                + (c.data().equals("fashion-mnist") ? "; install dataset-fashion-mnist for the full set" : "");
                norm = new Normalization(new float[] {FashionMnist.MEAN}, new float[] {FashionMnist.STD});
            }
            default -> {
                trainPath = Path.of(c.data());
                testPath = c.testData().isEmpty() ? trainPath : Path.of(c.testData());
                description = trainPath.toString();
                if (!Files.exists(trainPath)) {
                    throw new NoSuchFileException(trainPath.toString(), null, "training data not found");
                }
            }
        }
        Samples train = DataSources.load(trainPath, LoadOptions.builder().split("train").build());
        Samples test;
        if (!c.testData().isEmpty()) {
            test = DataSources.load(Path.of(c.testData()), LoadOptions.builder().split("test").build());
        } else {
            test = loadTestSplit(trainPath, testPath);
        }
        if (!train.labelled()) {
            throw new IllegalArgumentException(trainPath + ": training data has no labels; supervised losses and evaluation need them");
        }
        Samples validation = null;
        if (c.validationFraction() > 0) {
            Splits.Split split = Splits.stratified(train, c.validationFraction(), c.seed());
            train = split.train();
            validation = split.validation();
        }
        Samples evalReference = train;
        Samples evalQuery = test;
        if (!c.pretrainClasses().isEmpty() || !c.transferClasses().isEmpty()) {
            int[] pre = parseClasses(c.pretrainClasses(), train.numClasses(), "--pretrain-classes");
            int[] transfer = parseClasses(c.transferClasses(), train.numClasses(), "--transfer-classes");
            for (int t : transfer) {
                if (Arrays.stream(pre).anyMatch(p -> p == t)) {
                    throw new IllegalArgumentException("class " + t + " is in both --pretrain-classes and --transfer-classes");
                }
            }
            evalReference = onlyClasses(train, transfer);
            evalQuery = onlyClasses(test, transfer);
            train = onlyClasses(train, pre);
            description += "; pretrain classes " + Arrays.toString(pre) + ", transfer classes " + Arrays.toString(transfer);
        }
        if (c.maxTrainSamples() > 0 && train.size() > c.maxTrainSamples()) {
            train = train.head(c.maxTrainSamples());
            evalReference = evalReference == train ? train : evalReference.head(c.maxTrainSamples());
        }
        if (c.maxTestSamples() > 0 && evalQuery.size() > c.maxTestSamples()) {
            evalQuery = evalQuery.head(c.maxTestSamples());
        }
        if (norm == null) {
            norm = Normalization.estimate(train);
        }
        return new TrainingData(description, train, validation, evalReference, evalQuery, norm, "test");
    }

    private static Samples loadTestSplit(Path trainPath, Path testPath) throws IOException {
        try {
            return DataSources.load(testPath, LoadOptions.builder().split("test").build());
        } catch (IOException e) {
            throw new IOException(trainPath + ": no test split found (" + e.getMessage() + "); give --test-data", e);
        }
    }

    /** Parses "0-4", "0,2,5" or "1-3,7" into class indices, each below {@code numClasses}. */
    static int[] parseClasses(String spec, int numClasses, String flag) {
        if (spec.isBlank()) {
            throw new IllegalArgumentException(flag + " is needed with the transfer protocol (e.g. 0-4)");
        }
        TreeSet<Integer> out = new TreeSet<>();
        for (String part : spec.split(",")) {
            String p = part.trim();
            try {
                int dash = p.indexOf('-');
                int lo = Integer.parseInt(dash < 0 ? p : p.substring(0, dash).trim());
                int hi = dash < 0 ? lo : Integer.parseInt(p.substring(dash + 1).trim());
                for (int k = lo; k <= hi; k++) {
                    if (k < 0 || k >= numClasses) {
                        throw new IllegalArgumentException(flag + ": class " + k + " out of range 0.." + (numClasses - 1));
                    }
                    out.add(k);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(flag + ": '" + p + "' is not a class range like 0-4 or 1,3");
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The samples of the given classes, keeping the original labels and class names. */
    static Samples onlyClasses(Samples s, int[] classes) {
        boolean[] keep = new boolean[s.numClasses()];
        for (int k : classes) {
            keep[k] = true;
        }
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < s.size(); i++) {
            if (keep[s.labels()[i]]) {
                idx.add(i);
            }
        }
        return s.select(idx.stream().mapToInt(Integer::intValue).toArray());
    }
}
