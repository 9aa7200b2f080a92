package org.contrastive4j.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.contrastive4j.core.eval.ConfusionMatrixImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlotsTest {

    @TempDir
    Path dir;

    private static double[] normal(Random rnd, int n, double mean, double sd) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = mean + sd * rnd.nextGaussian();
        }
        return v;
    }

    @Test
    void overlaidHistogramRendersAtDefaultSize() throws Exception {
        Random rnd = new Random(1);
        Path png = dir.resolve("h.png");
        Plots.overlaidHistogram(png, "title", "cosine similarity", List.of(
                new Plots.Distribution("target", normal(rnd, 500, 0.8, 0.05), Plots.TARGET),
                new Plots.Distribution("noise", normal(rnd, 500, 0.6, 0.05), Plots.NOISE)));
        BufferedImage img = PngAssert.png(png, PngAssert.CHART_WIDTH, PngAssert.CHART_HEIGHT);
        assertTrue(PngAssert.colours(img) > 20, "chart looks blank");
        // no temporary files left behind by the atomic write
        try (var files = Files.list(dir)) {
            assertEquals(List.of(png), files.toList());
        }
    }

    @Test
    void histogramWithNoFiniteValuesStillRenders() throws Exception {
        Path png = dir.resolve("empty.png");
        Plots.overlaidHistogram(png, "t", "x", List.of(new Plots.Distribution("a", new double[] {Double.NaN}, null)));
        PngAssert.png(png, PngAssert.CHART_WIDTH, PngAssert.CHART_HEIGHT);
    }

    @Test
    void gridHasOnePanelPerClass() throws Exception {
        Random rnd = new Random(2);
        List<Plots.Panel> panels = new ArrayList<>();
        for (int c = 0; c < 7; c++) {
            panels.add(new Plots.Panel("class " + c, List.of(
                    new Plots.Distribution("target", normal(rnd, 50, 0.8, 0.05), Plots.TARGET),
                    new Plots.Distribution("noise", normal(rnd, 50, 0.6, 0.05), Plots.NOISE))));
        }
        Path png = dir.resolve("grid.png");
        Plots.histogramGrid(png, "grid", panels, 3);
        // 3 columns x 3 rows of 420 x 280 panels under a 70 px header
        PngAssert.png(png, 3 * 420, 70 + 3 * 280);
        assertThrows(IllegalArgumentException.class, () -> Plots.histogramGrid(png, "g", List.of(), 3));

        // many classes: ten columns of smaller panels keep the image about 1700 px wide
        List<Plots.Panel> many = new ArrayList<>();
        for (int c = 0; c < 100; c++) {
            many.add(new Plots.Panel("c" + c, List.of(new Plots.Distribution("t", normal(rnd, 20, 0.8, 0.05), null))));
        }
        assertEquals(10, ReportWriter.gridColumns(100));
        Plots.histogramGrid(png, "grid", many, 10);
        PngAssert.png(png, 10 * 168, 70 + 10 * 112);
    }

    @Test
    void linesScatterAndBars() throws Exception {
        Path lines = dir.resolve("lines.png");
        double[] x = new double[300];
        double[] y = new double[300];
        for (int i = 0; i < x.length; i++) {
            x[i] = i + 1;
            y[i] = Math.exp(-i / 100.0);
        }
        Plots.lines(lines, "loss", "step", "loss", List.of(Plots.Line.of("loss", x, y),
                Plots.Line.of("empty", new double[0], new double[0])));
        PngAssert.png(lines, PngAssert.CHART_WIDTH, PngAssert.CHART_HEIGHT);

        Path scatter = dir.resolve("scatter.png");
        float[][] pts = {{0, 0}, {1, 1}, {2, 0}, {3, 1}};
        Plots.scatter(scatter, "pca", "PC1", "PC2", pts, new int[] {0, 1, 0, 2}, List.of("a", "b", "c"));
        PngAssert.png(scatter, PngAssert.CHART_WIDTH, PngAssert.CHART_HEIGHT);
        assertThrows(IllegalArgumentException.class,
                () -> Plots.scatter(scatter, "pca", "x", "y", pts, new int[] {0, 1, 0, 3}, List.of("a", "b", "c")));

        Path bars = dir.resolve("bars.png");
        Map<String, double[]> series = new LinkedHashMap<>();
        series.put("1-NN", new double[] {0.9, 0.85});
        series.put("linear", new double[] {0.91, Double.NaN});
        Plots.bars(bars, "acc", "accuracy", List.of("sincere", "supcon"), series, "0.000", 0.0, 1.0);
        PngAssert.png(bars, PngAssert.CHART_WIDTH, PngAssert.CHART_HEIGHT);
        assertThrows(IllegalArgumentException.class, () -> Plots.bars(bars, "acc", "a", List.of("x"),
                Map.of("s", new double[] {1, 2}), "0", null, null));
    }

    @Test
    void dualAxisLinesRenderIncludingAllZeroSeries() throws Exception {
        double[] epochs = {1, 2, 3};
        Path png = dir.resolve("dual.png");
        Plots.dualAxisLines(png, "meter", "epoch", "mean", List.of(Plots.Line.of("mean", epochs,
                new double[] {0, 0, 0})), "fraction", List.of(Plots.Line.of("fraction", epochs,
                new double[] {0, 0, 0})));
        PngAssert.png(png, PngAssert.CHART_WIDTH, PngAssert.CHART_HEIGHT);
        Plots.dualAxisLines(png, "meter", "epoch", "mean", List.of(), "fraction",
                List.of(Plots.Line.of("fraction", epochs, new double[] {0.5, 0.4, 0.3})));
        PngAssert.png(png, PngAssert.CHART_WIDTH, PngAssert.CHART_HEIGHT);
    }

    @Test
    void linePatternHasEnoughDecimals() {
        assertEquals("0.000", Plots.decimalPattern(List.of(Plots.Line.of("r", new double[] {1, 2},
                new double[] {0.0, 0.028}))));
        assertEquals("0.0", Plots.decimalPattern(List.of(Plots.Line.of("l", new double[] {1, 2},
                new double[] {2.5, 5.5}))));
        assertEquals("#,##0", Plots.decimalPattern(List.of(Plots.Line.of("l", new double[] {1, 2},
                new double[] {0, 5000}))));
    }

    @Test
    void confusionMatrixShadesByRowFraction() throws Exception {
        int[][] counts = {{50, 0, 0}, {5, 45, 0}, {0, 25, 25}};
        BufferedImage img = ConfusionMatrixImage.render("cm", counts, List.of("a", "b", "c"));
        // a perfect row's diagonal cell gets the darkest shade; a row split in half gets a lighter one
        boolean darkest = false;
        boolean half = false;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y) & 0xFFFFFF;
                darkest |= rgb == ((8 << 16) | (48 << 8) | 107);
                half |= rgb == ((128 << 16) | (150 << 8) | 181);
            }
        }
        assertTrue(darkest, "no cell with the full-row shade");
        assertTrue(half, "no cell with the half-row shade");
        Path png = dir.resolve("cm.png");
        Plots.confusionMatrix(png, "cm", counts, List.of("a", "b", "c"));
        assertEquals(img.getWidth(), PngAssert.decode(png).getWidth());
        assertThrows(IllegalArgumentException.class,
                () -> ConfusionMatrixImage.render("cm", new int[][] {{1, 2}}, List.of("a")));
        assertThrows(IllegalArgumentException.class,
                () -> ConfusionMatrixImage.render("cm", counts, List.of("a", "b")));
    }

    @Test
    void manyClassesRenderWithoutLegendOrCounts() throws Exception {
        int n = 100;
        int[][] counts = new int[n][n];
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            counts[i][i] = 10;
            counts[i][(i + 1) % n] = 2;
            names.add("class-" + i);
        }
        Path png = dir.resolve("cm100.png");
        Plots.confusionMatrix(png, "cm", counts, names);
        BufferedImage img = PngAssert.decode(png);
        assertTrue(img.getWidth() <= 1200 && img.getHeight() <= 1200, "image grows with classes: " + img.getWidth());
        assertFalse(PngAssert.colours(img) < 3);
    }
}
