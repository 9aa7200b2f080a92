package org.contrastive4j.inference.eval;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.contrastive4j.inference.util.AtomicFiles;

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

    /** Renders a heat map (row-normalised shading, raw counts printed) to a PNG, written atomically. Headless-safe. */
    public void writePng(Path path) throws IOException {
        BufferedImage img = render();
        AtomicFiles.write(path, out -> {
            if (!ImageIO.write(img, "png", out)) {
                throw new IOException("no PNG writer available");
            }
        });
    }

    BufferedImage render() {
        int n = counts.length;
        int cell = n <= 12 ? 48 : Math.max(14, 576 / n);
        int margin = 130;
        int top = 40;
        int size = margin + n * cell + 20;
        BufferedImage img = new BufferedImage(size, top + n * cell + margin, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, img.getWidth(), img.getHeight());
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            FontMetrics fm = g.getFontMetrics();
            g.setColor(Color.BLACK);
            g.drawString(String.format(Locale.ROOT, "accuracy %.2f%% (%d samples)   rows: true, columns: predicted",
                    100 * accuracy(), total), 8, 20);
            for (int r = 0; r < n; r++) {
                int rowTotal = 0;
                for (int v : counts[r]) {
                    rowTotal += v;
                }
                for (int c = 0; c < n; c++) {
                    double f = rowTotal == 0 ? 0 : (double) counts[r][c] / rowTotal;
                    int shade = (int) Math.round(255 * (1 - f));
                    g.setColor(new Color(shade, shade, 255));
                    int x = margin + c * cell;
                    int y = top + r * cell;
                    g.fillRect(x, y, cell, cell);
                    g.setColor(Color.LIGHT_GRAY);
                    g.drawRect(x, y, cell, cell);
                    if (cell >= 28) {
                        String s = Integer.toString(counts[r][c]);
                        g.setColor(f > 0.5 ? Color.WHITE : Color.BLACK);
                        g.drawString(s, x + (cell - fm.stringWidth(s)) / 2, y + (cell + fm.getAscent()) / 2 - 2);
                    }
                }
                g.setColor(Color.BLACK);
                String name = clip(classNames.get(r), fm, margin - 10);
                g.drawString(name, margin - 6 - fm.stringWidth(name), top + r * cell + (cell + fm.getAscent()) / 2 - 2);
            }
            AffineTransform saved = g.getTransform();
            for (int c = 0; c < n; c++) {
                String name = clip(classNames.get(c), fm, margin - 10);
                g.setTransform(saved);
                g.translate(margin + c * cell + (cell + fm.getAscent()) / 2 - 2, top + n * cell + 6);
                g.rotate(Math.PI / 2);
                g.drawString(name, 0, 0);
            }
            g.setTransform(saved);
        } finally {
            g.dispose();
        }
        return img;
    }

    private static String clip(String s, FontMetrics fm, int width) {
        if (fm.stringWidth(s) <= width) {
            return s;
        }
        while (s.length() > 1 && fm.stringWidth(s + "…") > width) {
            s = s.substring(0, s.length() - 1);
        }
        return s + "…";
    }
}
