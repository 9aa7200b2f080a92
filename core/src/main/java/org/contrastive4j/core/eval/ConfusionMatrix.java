package org.contrastive4j.core.eval;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.contrastive4j.core.files.AtomicFiles;

/** Counts of (true class, predicted class) pairs; rows are true classes, columns predictions. */
public final class ConfusionMatrix {

    private final int[][] counts;
    private final List<String> classNames;
    private final int total;

    private ConfusionMatrix(int[][] counts, List<String> classNames) {
        this.counts = counts;
        this.classNames = List.copyOf(classNames);
        int t = 0;
        for (int[] row : counts) {
            for (int c : row) {
                t += c;
            }
        }
        this.total = t;
    }

    /**
     * Builds the matrix. Labels must lie in {@code [0, classNames.size())}; missing names are filled with the label
     * number.
     */
    public static ConfusionMatrix of(int[] truth, int[] predicted, List<String> classNames) {
        if (truth.length != predicted.length) {
            throw new IllegalArgumentException(truth.length + " labels for " + predicted.length + " predictions");
        }
        List<String> names = new ArrayList<>(classNames);
        for (int i = 0; i < truth.length; i++) {
            int m = Math.max(truth[i], predicted[i]);
            if (Math.min(truth[i], predicted[i]) < 0) {
                throw new IllegalArgumentException("negative label at index " + i);
            }
            while (m >= names.size()) {
                names.add(Integer.toString(names.size()));
            }
        }
        int[][] counts = new int[names.size()][names.size()];
        for (int i = 0; i < truth.length; i++) {
            counts[truth[i]][predicted[i]]++;
        }
        return new ConfusionMatrix(counts, names);
    }

    public int numClasses() {
        return counts.length;
    }

    public List<String> classNames() {
        return classNames;
    }

    public int count(int truth, int predicted) {
        return counts[truth][predicted];
    }

    public int total() {
        return total;
    }

    public double accuracy() {
        int ok = 0;
        for (int c = 0; c < counts.length; c++) {
            ok += counts[c][c];
        }
        return total == 0 ? Double.NaN : (double) ok / total;
    }

    /** Per-class accuracy (recall): correct / samples of that class; NaN for classes without samples. */
    public double[] perClassAccuracy() {
        double[] r = new double[counts.length];
        for (int c = 0; c < counts.length; c++) {
            int n = 0;
            for (int v : counts[c]) {
                n += v;
            }
            r[c] = n == 0 ? Double.NaN : (double) counts[c][c] / n;
        }
        return r;
    }

    /** A plain-text table, one row per true class. */
    public String format() {
        int w = 6;
        for (String n : classNames) {
            w = Math.max(w, Math.min(n.length(), 14) + 1);
        }
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-" + w + "s", "true\\pred"));
        for (int c = 0; c < counts.length; c++) {
            sb.append(String.format(Locale.ROOT, "%6d", c));
        }
        sb.append('\n');
        for (int r = 0; r < counts.length; r++) {
            String n = classNames.get(r);
            sb.append(String.format(Locale.ROOT, "%-" + w + "s", n.length() > 14 ? n.substring(0, 14) : n));
            for (int c = 0; c < counts.length; c++) {
                sb.append(String.format(Locale.ROOT, "%6d", counts[r][c]));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** A copy of the counts, {@code [true][predicted]}. */
    public int[][] counts() {
        int[][] c = new int[counts.length][];
        for (int i = 0; i < c.length; i++) {
            c[i] = counts[i].clone();
        }
        return c;
    }

    /** Renders the heat map of {@link ConfusionMatrixImage} to a PNG, written atomically. Headless-safe. */
    public void writePng(Path path, String title) throws IOException {
        BufferedImage img = ConfusionMatrixImage.render(title, counts, classNames);
        AtomicFiles.write(path, out -> {
            if (!ImageIO.write(img, "png", out)) {
                throw new IOException("no PNG writer available");
            }
        });
    }
}
