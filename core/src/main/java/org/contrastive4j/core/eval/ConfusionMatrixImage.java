package org.contrastive4j.core.eval;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;

/**
 * Draws a confusion matrix ({@code counts[true][predicted]}) as a heatmap with Java2D. Cells are shaded by the row
 * fraction (per-class recall), so a rare class's errors are as visible as a frequent one's; counts are printed when
 * the cells are large enough to hold them, and each row label carries the class recall.
 */
public final class ConfusionMatrixImage {

    private static final String FONT = Font.SANS_SERIF;

    private ConfusionMatrixImage() {}

    public static BufferedImage render(String title, int[][] counts, List<String> classNames) {
        int n = counts.length;
        if (n == 0) {
            throw new IllegalArgumentException("confusion matrix is empty");
        }
        if (classNames.size() != n) {
            throw new IllegalArgumentException("confusion matrix has " + n + " rows but " + classNames.size()
                    + " class names");
        }
        for (int[] row : counts) {
            if (row.length != n) {
                throw new IllegalArgumentException("confusion matrix must be square, got a row of " + row.length
                        + " for " + n + " classes");
            }
        }
        int cell = Math.max(6, Math.min(60, 560 / n));
        boolean showCounts = cell >= 26;
        boolean showLabels = cell >= 10;
        Font labelFont = new Font(FONT, Font.PLAIN, Math.max(9, Math.min(14, cell / 3 + 4)));
        Font countFont = new Font(FONT, Font.PLAIN, Math.max(9, Math.min(13, cell / 4 + 3)));

        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D pg = probe.createGraphics();
        FontMetrics fm = pg.getFontMetrics(labelFont);
        int labelWidth = 0;
        double[] recall = new double[n];
        for (int r = 0; r < n; r++) {
            long total = 0;
            for (int v : counts[r]) {
                total += v;
            }
            recall[r] = total == 0 ? Double.NaN : counts[r][r] / (double) total;
            if (showLabels) {
                labelWidth = Math.max(labelWidth, fm.stringWidth(rowLabel(classNames.get(r), recall[r])));
            }
        }
        int colLabelHeight = 0;
        for (String name : classNames) {
            colLabelHeight = Math.max(colLabelHeight, fm.stringWidth(name));
        }
        pg.dispose();
        colLabelHeight = showLabels ? (int) Math.ceil(colLabelHeight * Math.sin(Math.PI / 4)) + fm.getHeight() : 0;

        int left = 40 + labelWidth + 10;
        int top = 60;
        int gridSize = n * cell;
        int width = Math.max(left + gridSize + 40, 500);
        int height = top + gridSize + colLabelHeight + 50;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setColor(new Color(40, 40, 40));
            g.setFont(new Font(FONT, Font.BOLD, 18));
            g.drawString(title, 16, 32);

            g.setFont(countFont);
            FontMetrics cfm = g.getFontMetrics();
            for (int r = 0; r < n; r++) {
                long total = 0;
                for (int v : counts[r]) {
                    total += v;
                }
                for (int c = 0; c < n; c++) {
                    double f = total == 0 ? 0 : counts[r][c] / (double) total;
                    g.setColor(shade(f));
                    int x = left + c * cell;
                    int y = top + r * cell;
                    g.fillRect(x, y, cell, cell);
                    if (showCounts && counts[r][c] > 0) {
                        String s = Integer.toString(counts[r][c]);
                        g.setColor(f > 0.5 ? Color.WHITE : new Color(40, 40, 40));
                        g.drawString(s, x + (cell - cfm.stringWidth(s)) / 2, y + (cell + cfm.getAscent()) / 2 - 2);
                    }
                }
            }
            g.setColor(new Color(190, 190, 190));
            g.drawRect(left, top, gridSize, gridSize);

            g.setColor(new Color(40, 40, 40));
            g.setFont(labelFont);
            FontMetrics lfm = g.getFontMetrics();
            if (showLabels) {
                for (int r = 0; r < n; r++) {
                    String s = rowLabel(classNames.get(r), recall[r]);
                    g.drawString(s, left - 8 - lfm.stringWidth(s), top + r * cell + (cell + lfm.getAscent()) / 2 - 2);
                }
                AffineTransform saved = g.getTransform();
                for (int c = 0; c < n; c++) {
                    String s = classNames.get(c);
                    int x = left + c * cell + cell / 2;
                    int y = top + gridSize + 8;
                    g.setTransform(saved);
                    g.translate(x, y);
                    g.rotate(Math.PI / 4);
                    g.drawString(s, 0, lfm.getAscent() / 2);
                }
                g.setTransform(saved);
            }
            g.setFont(new Font(FONT, Font.PLAIN, 14));
            FontMetrics afm = g.getFontMetrics();
            String predicted = "predicted class";
            g.drawString(predicted, left + (gridSize - afm.stringWidth(predicted)) / 2, height - 14);
            AffineTransform saved = g.getTransform();
            String trueLabel = "true class (recall)";
            g.translate(22, top + (gridSize + afm.stringWidth(trueLabel)) / 2);
            g.rotate(-Math.PI / 2);
            g.drawString(trueLabel, 0, 0);
            g.setTransform(saved);
        } finally {
            g.dispose();
        }
        return image;
    }

    private static String rowLabel(String name, double recall) {
        return Double.isNaN(recall) ? name : name + String.format(Locale.ROOT, " (%.0f%%)", 100 * recall);
    }

    /** White to dark blue. */
    private static Color shade(double f) {
        double t = Math.max(0, Math.min(1, f));
        int r = (int) Math.round(247 + (8 - 247) * t);
        int gr = (int) Math.round(251 + (48 - 251) * t);
        int b = (int) Math.round(255 + (107 - 255) * t);
        return new Color(r, gr, b);
    }
}
