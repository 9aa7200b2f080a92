package org.contrastive4j.trainer;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.contrastive4j.core.data.DataSources;
import org.contrastive4j.core.data.Dataset;
import org.contrastive4j.core.data.Datasets;
import org.contrastive4j.core.data.FashionMnist;
import org.contrastive4j.core.data.ImageFiles;
import org.contrastive4j.core.data.LoadOptions;
import org.contrastive4j.core.data.Samples;
import org.contrastive4j.core.data.Splits;
import org.contrastive4j.trainer.data.Normalization;

/**
 * The data of one run: training samples, held-out evaluation samples, and the per-channel normalisation. Also says in
 * words where the data came from and exactly which split the evaluation measures ({@link #evalSplit()}), for the first
 * line of output, summary.json, the report and the ONNX metadata.
 *
 * <p>Evaluation is honest by construction: its queries are never training samples. The held-out set is, in order:
 * <ol>
 *   <li>{@code --test-data} (refused when it is the training data itself, or together with
 *       {@code --validation-fraction});</li>
 *   <li>a stratified validation split of {@code --validation-fraction} of the training data (seeded by
 *       {@code --seed}), when that flag is given: it is evaluated even if the data has a test split;</li>
 *   <li>the data's own test split: IDX {@code t10k-*} files, CIFAR's test batch, {@code root/test|val|validation/}
 *       next to {@code root/train/};</li>
 *   <li>otherwise (a single image folder, manifest, CSV, NPY, IDX or CIFAR file) a stratified validation split of
 *       {@value #AUTO_VALIDATION_FRACTION} of the training data, seeded by {@code --seed}; when that leaves no
 *       validation sample (every class has one or two samples), the run is refused with how to give a test set.</li>
 * </ol>
 * The k-NN reference set and the linear probe's training set are the training samples (without the held-out ones).
 * Held-out labels are matched to the training classes by name (a test folder may hold only some of the classes).
 *
 * @param validation the validation split when one was held out of the training data (it is then also
 *     {@code evalQuery}), else {@code null}
 * @param evalSplit which held-out split {@code evalQuery} is, e.g. {@code test (t10k-images-idx3-ubyte.gz)} or
 *     {@code validation (stratified 20% of the training data, seed 42)}
 */
public record TrainingData(String description, Dataset train, Dataset validation, Dataset evalReference, Dataset evalQuery,
        Normalization normalization, String evalSplit) {

    /** The validation fraction held out when the data has no test split and none is given. */
    public static final double AUTO_VALIDATION_FRACTION = 0.2;
    /** Image files: the normalisation is estimated from at most this many training images (evenly spaced). */
    static final int NORMALIZATION_SAMPLES = 2000;

    public int numClasses() {
        return train.numClasses();
    }

    public static TrainingData load(TrainConfig c) throws IOException {
        Path trainPath;
        String description;
        Normalization norm = null;
        switch (c.data()) {
            case "fashion-mnist", "fashion-mnist-subset" -> {
                boolean full = c.data().equals("fashion-mnist") && FashionMnist.debianInstalled();
                trainPath = full ? FashionMnist.DEBIAN_DIR : FashionMnist.subsetDir();
                description = full ? "Fashion-MNIST (Debian dataset-fashion-mnist, " + trainPath + ")"
                        : "Fashion-MNIST committed subset (" + trainPath.normalize() + ")"
                                + (c.data().equals("fashion-mnist") ? "; install dataset-fashion-mnist for the full set" : "");
                norm = new Normalization(new float[] {FashionMnist.MEAN}, new float[] {FashionMnist.STD});
            }
            default -> {
                trainPath = Path.of(c.data());
                description = trainPath.toString();
                if (!Files.exists(trainPath)) {
                    throw new NoSuchFileException(trainPath.toString(), null, "training data not found");
                }
            }
        }
        LoadOptions opts = loadOptions(c);
        Dataset all = DataSources.open(trainPath, opts.toBuilder().split("train").build());
        if (!all.labelled()) {
            throw new IllegalArgumentException(trainPath + ": training data has no labels; supervised losses and evaluation need them");
        }
        Datasets.requireEveryClassPresent(all, "training");
        Dataset train = all;
        Dataset validation = null;
        Dataset held;
        String evalSplit;
        String testSplit = DataSources.testSplit(trainPath);
        if (!c.testData().isEmpty()) {
            Path testPath = Path.of(c.testData());
            if (c.validationFraction() > 0) {
                throw new IllegalArgumentException("--validation-fraction and --test-data both name the held-out set; give "
                        + "one (--test-data " + testPath + " is evaluated, a validation split would be held out unused)");
            }
            if (testSplit == null && Files.exists(testPath) && Files.isSameFile(testPath, trainPath)) {
                throw new IllegalArgumentException("--test-data " + testPath + " is the training data itself: evaluating on "
                        + "it would measure memorisation; give held-out data, or leave --test-data out to hold out a "
                        + "validation split");
            }
            held = DataSources.open(testPath, opts.toBuilder().split("test").build());
            evalSplit = "test (" + testPath + ")";
        } else if (c.validationFraction() > 0 || testSplit == null) {
            double fraction = c.validationFraction() > 0 ? c.validationFraction() : AUTO_VALIDATION_FRACTION;
            Splits.Parts parts = Splits.holdOut(all, fraction, c.seed());
            if (parts.validation().size() == 0) {
                throw new IllegalArgumentException(trainPath + ": a stratified " + percent(fraction) + " validation split "
                        + "of " + all.size() + " samples in " + all.numClasses() + " classes holds no sample (each class keeps "
                        + "at least one for training); give held-out data with --test-data, or a larger --validation-fraction");
            }
            train = parts.train();
            validation = parts.validation();
            held = validation;
            evalSplit = "validation (stratified " + percent(fraction) + " of the training data, seed " + c.seed() + ")";
            long unvalidated = Arrays.stream(classCounts(all)).filter(n -> n == 1).count();
            if (unvalidated > 0) {
                description += "; " + unvalidated + " class" + (unvalidated > 1 ? "es" : "") + " with a single sample "
                        + "(kept for training, not in the validation split)";
            }
        } else {
            held = DataSources.open(trainPath, opts.toBuilder().split("test").build());
            evalSplit = "test (" + testSplit + ")";
        }
        if (!held.labelled()) {
            throw new IllegalArgumentException(held.source() + ": the held-out data has no labels; evaluation needs them");
        }
        held = Datasets.withClassNames(held, train.classNames());
        if (validation != null) {
            validation = held;
        }
        Dataset evalReference = train;
        Dataset evalQuery = held;
        if (!c.pretrainClasses().isEmpty() || !c.transferClasses().isEmpty()) {
            int[] pre = parseClasses(c.pretrainClasses(), train.numClasses(), "--pretrain-classes");
            int[] transfer = parseClasses(c.transferClasses(), train.numClasses(), "--transfer-classes");
            for (int t : transfer) {
                if (Arrays.stream(pre).anyMatch(p -> p == t)) {
                    throw new IllegalArgumentException("class " + t + " is in both --pretrain-classes and --transfer-classes");
                }
            }
            evalReference = onlyClasses(train, transfer);
            evalQuery = onlyClasses(held, transfer);
            train = onlyClasses(train, pre);
            description += "; pretrain classes " + Arrays.toString(pre) + ", transfer classes " + Arrays.toString(transfer);
        }
        if (c.maxTrainSamples() > 0 && train.size() > c.maxTrainSamples()) {
            boolean same = evalReference == train;
            train = atMost(train, c.maxTrainSamples());
            evalReference = same ? train : atMost(evalReference, c.maxTrainSamples());
        }
        if (c.maxTestSamples() > 0 && evalQuery.size() > c.maxTestSamples()) {
            evalQuery = atMost(evalQuery, c.maxTestSamples());
        }
        if (norm == null) {
            norm = train instanceof Samples ? Normalization.estimate(train)
                    : Normalization.estimateSampled(train, NORMALIZATION_SAMPLES);
        }
        if (all instanceof ImageFiles files) {
            description += " (" + DataSources.formatOf(trainPath) + ", images fitted to " + shapeText(all.sampleShape()) + ")";
            if (!files.skipped().isEmpty()) {
                description += "; skipped " + files.skipped().size() + " unreadable image" + (files.skipped().size() > 1 ? "s" : "")
                        + " (first: " + files.skipped().get(0) + ")";
            }
        }
        return new TrainingData(description, train, validation, evalReference, evalQuery, norm, evalSplit);
    }

    /** How the run's data options read its inputs. */
    static LoadOptions loadOptions(TrainConfig c) {
        int[] size = LoadOptions.parseImageSize(c.imageSize(), "--image-size");
        return LoadOptions.builder().channels(c.channels()).height(size == null ? 0 : size[0]).width(size == null ? 0 : size[1])
                .skipUnreadable(c.skipUnreadable()).cacheBytes((long) c.imageCacheMb() << 20).build();
    }

    /**
     * At most {@code n} samples: the first {@code n} of samples in memory (as always), evenly spaced ones of image
     * files, which are listed class by class (the first {@code n} would be the first classes only).
     */
    static Dataset atMost(Dataset d, int n) {
        if (d instanceof Samples || d.size() <= n) {
            return d.head(n);
        }
        int[] idx = new int[n];
        for (int j = 0; j < n; j++) {
            idx[j] = (int) ((long) j * d.size() / n);
        }
        return d.select(idx);
    }

    private static int[] classCounts(Dataset d) {
        int[] counts = new int[d.numClasses()];
        for (int y : d.labels()) {
            counts[y]++;
        }
        return counts;
    }

    static String percent(double fraction) {
        return BigDecimal.valueOf(fraction * 100).setScale(2, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString() + "%";
    }

    private static String shapeText(int[] shape) {
        return Arrays.stream(shape).mapToObj(Integer::toString).reduce((a, b) -> a + " x " + b).orElse("");
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
    static Dataset onlyClasses(Dataset s, int[] classes) {
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
