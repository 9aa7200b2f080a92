package org.contrastive4j.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import javax.imageio.ImageIO;
import org.contrastive4j.core.eval.ConfusionMatrixImage;
import org.contrastive4j.core.files.AtomicFiles;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The report's charts (XChart, rendered headless to PNG and written atomically). Every method takes the target file
 * first and renders at {@link #WIDTH} x {@link #HEIGHT} unless the chart is a composite.
 */
public final class Plots {

    public static final int WIDTH = 900;
    public static final int HEIGHT = 600;

    /** Colour of the target (same-class) similarity everywhere in the report. */
    public static final Color TARGET = new Color(31, 119, 180);
    /** Colour of the noise (other-class) similarity everywhere in the report. */
    public static final Color NOISE = new Color(255, 127, 14);

    private static final Color[] PALETTE = {
        new Color(31, 119, 180), new Color(255, 127, 14), new Color(44, 160, 44), new Color(214, 39, 40),
        new Color(148, 103, 189), new Color(140, 86, 75), new Color(227, 119, 194), new Color(127, 127, 127),
        new Color(188, 189, 34), new Color(23, 190, 207)};
    private static final String FONT = Font.SANS_SERIF;
    private static final int HISTOGRAM_BINS = 50;
    /** Beyond this many classes a legend is unreadable; the scatter then relies on colour alone. */
    private static final int MAX_LEGEND_ENTRIES = 20;

    static {
        // Charts must render without a display; respect an explicit setting from the launcher or surefire.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private Plots() {}

    /** A named sample of values to histogram; {@code color} may be null (palette by position). */
    public record Distribution(String name, double[] values, Color color) {
        public Distribution {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(values, "values");
        }
    }

    /** One line of a line chart; {@code color} may be null (palette by position). */
    public record Line(String name, double[] x, double[] y, Color color, boolean dashed, boolean markers) {
        public Line {
            Objects.requireNonNull(name, "name");
            if (x.length != y.length) {
                throw new IllegalArgumentException("line '" + name + "' has " + x.length + " x values and "
                        + y.length + " y values");
            }
        }

        public static Line of(String name, double[] x, double[] y) {
            return new Line(name, x, y, null, false, x.length <= 60);
        }
    }

    /** One small histogram of a grid. */
    public record Panel(String title, List<Distribution> distributions) {}

    /** A palette colour for index i: ten distinct colours, then evenly spread hues. */
    public static Color color(int i) {
        if (i < PALETTE.length) {
            return PALETTE[i];
        }
        float hue = (float) ((i * 0.618033988749895) % 1.0);
        return Color.getHSBColor(hue, 0.65f, 0.85f);
    }

    /**
     * Overlaid, semi-transparent histograms on shared bins, each with a dashed vertical line at its median (the
     * legend gives the median's value).
     */
    public static void overlaidHistogram(Path png, String title, String xLabel, List<Distribution> distributions)
            throws IOException {
        double[] range = range(distributions);
        writeChart(png, histogramChart(title, xLabel, distributions, range, WIDTH, HEIGHT, true));
    }

    /**
     * Small multiples: one histogram per panel on shared bins and a shared x range, laid out {@code columns} wide
     * under a common title and legend.
     */
    public static void histogramGrid(Path png, String title, List<Panel> panels, int columns) throws IOException {
        if (panels.isEmpty()) {
            throw new IllegalArgumentException("histogram grid needs at least one panel");
        }
        int cols = Math.max(1, Math.min(columns, panels.size()));
        int rows = (panels.size() + cols - 1) / cols;
        // Up to four columns get full-size panels; more columns shrink them so the image stays ~1700 px wide.
        int pw = cols <= 4 ? 420 : Math.max(160, 1680 / cols);
        int ph = pw * 2 / 3;
        boolean small = pw < 300;
        int header = 70;
        List<Distribution> all = new ArrayList<>();
        panels.forEach(p -> all.addAll(p.distributions()));
        double[] range = range(all);
        BufferedImage image = new BufferedImage(cols * pw, header + rows * ph, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            g.setColor(Color.DARK_GRAY);
            g.setFont(new Font(FONT, Font.BOLD, 20));
            g.drawString(title, 16, 30);
            // One legend for the whole grid, from the first panel's series.
            g.setFont(new Font(FONT, Font.PLAIN, 14));
            int x = 16;
            List<Distribution> legend = panels.get(0).distributions();
            for (int i = 0; i < legend.size(); i++) {
                Color c = legend.get(i).color() != null ? legend.get(i).color() : color(i);
                g.setColor(translucent(c));
                g.fillRect(x, 44, 22, 14);
                g.setColor(c);
                g.drawRect(x, 44, 22, 14);
                g.setColor(Color.DARK_GRAY);
                g.drawString(legend.get(i).name(), x + 28, 56);
                x += 40 + g.getFontMetrics().stringWidth(legend.get(i).name());
            }
            g.drawString("dashed lines: medians", x, 56);
            for (int p = 0; p < panels.size(); p++) {
                Panel panel = panels.get(p);
                XYChart chart = histogramChart(panel.title(), null, panel.distributions(), range, pw, ph, false);
                chart.getStyler().setChartTitleFont(new Font(FONT, Font.BOLD, small ? 11 : 14));
                chart.getStyler().setAxisTickLabelsFont(new Font(FONT, Font.PLAIN, small ? 8 : 10));
                chart.getStyler().setChartPadding(6);
                chart.getStyler().setLegendVisible(false);
                chart.getStyler().setXAxisTitleVisible(false);
                chart.getStyler().setYAxisTitleVisible(false);
                BufferedImage panelImage = BitmapEncoder.getBufferedImage(chart);
                g.drawImage(panelImage, (p % cols) * pw, header + (p / cols) * ph, null);
            }
        } finally {
            g.dispose();
        }
        writeImage(png, image);
    }

    /** A line chart; lines with no points are skipped (the chart says "no data" when all are empty). */
    public static void lines(Path png, String title, String xLabel, String yLabel, List<Line> lines) throws IOException {
        writeChart(png, lineChart(title, xLabel, yLabel, lines));
    }

    /**
     * Lines on two y axes (left and right) sharing the x axis, for quantities of different scale such as the
     * repulsion meter's mean and fraction. Falls back to one axis when either side is empty.
     */
    public static void dualAxisLines(Path png, String title, String xLabel, String leftLabel, List<Line> left,
                                     String rightLabel, List<Line> right) throws IOException {
        if (left.isEmpty() || right.isEmpty()) {
            lines(png, title, xLabel, left.isEmpty() ? rightLabel : leftLabel, left.isEmpty() ? right : left);
            return;
        }
        List<Line> all = new ArrayList<>(left);
        all.addAll(right);
        XYChart chart = lineChart(title, xLabel, leftLabel, all);
        for (Line l : right) {
            XYSeries s = chart.getSeriesMap().get(l.name());
            if (s != null) {
                s.setYAxisGroup(1);
            }
        }
        chart.setYAxisGroupTitle(0, leftLabel);
        chart.setYAxisGroupTitle(1, rightLabel);
        chart.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
        chart.getStyler().putYAxisGroupDecimalPatternMap(0, decimalPattern(left));
        chart.getStyler().putYAxisGroupDecimalPatternMap(1, decimalPattern(right));
        // Meters read from zero: "about zero" must look like zero, not like a noisy curve on a zoomed axis.
        if (allNonNegative(left) && allNonNegative(right)) {
            chart.getStyler().setYAxisMin(0, 0.0);
            chart.getStyler().setYAxisMin(1, 0.0);
            // An all-zero side (SINCERE's meter) gets a [0, 1] axis instead of a single tick.
            if (maxY(left) == 0) {
                chart.getStyler().setYAxisMax(0, 1.0);
            }
            if (maxY(right) == 0) {
                chart.getStyler().setYAxisMax(1, 1.0);
            }
        }
        writeChart(png, chart);
    }

    private static double maxY(List<Line> lines) {
        return lines.stream().flatMapToDouble(l -> Arrays.stream(l.y())).filter(Double::isFinite).max()
                .orElse(0);
    }

    private static boolean allNonNegative(List<Line> lines) {
        return lines.stream().flatMapToDouble(l -> Arrays.stream(l.y())).allMatch(v -> !(v < 0));
    }

    static XYChart lineChart(String title, String xLabel, String yLabel, List<Line> lines) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xLabel)
                .yAxisTitle(yLabel).build();
        style(chart.getStyler());
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        chart.getStyler().setMarkerSize(7);
        int added = 0;
        for (int i = 0; i < lines.size(); i++) {
            Line line = lines.get(i);
            if (line.x().length == 0) {
                continue;
            }
            XYSeries s = chart.addSeries(uniqueName(chart, line.name()), line.x(), line.y());
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            Color c = line.color() != null ? line.color() : color(i);
            s.setLineColor(c);
            s.setMarkerColor(c);
            s.setMarker(line.markers() ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
            s.setLineWidth(line.dashed() ? 1.5f : 2.2f);
            if (line.dashed()) {
                s.setLineStyle(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f,
                        new float[] {6f, 4f}, 0f));
            }
            added++;
        }
        if (added == 0) {
            noData(chart);
        } else {
            avoidEquallySpacedTicks(chart);
            chart.getStyler().setYAxisDecimalPattern(decimalPattern(lines));
            if (allNonNegative(lines) && maxY(lines) == 0) {
                chart.getStyler().setYAxisMin(0.0);
                chart.getStyler().setYAxisMax(1.0);
            }
        }
        return chart;
    }

    /** Enough decimals to tell ticks apart (about a fifth of the y span), always with a leading zero. */
    static String decimalPattern(List<Line> lines) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Line l : lines) {
            for (double v : l.y()) {
                if (Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        double span = hi - lo;
        if (!(span > 0)) {
            span = hi == 0 || !Double.isFinite(hi) ? 1 : Math.abs(hi);
        }
        int decimals = (int) Math.max(0, Math.min(8, Math.ceil(-Math.log10(span / 5))));
        return decimals == 0 ? "#,##0" : "0." + "0".repeat(decimals);
    }

    /**
     * XChart puts x ticks only on data positions when all x values are equally spaced (e.g. global steps), and then
     * packs the labels until they touch. One invisible point between the first two x values disables that mode, so
     * the usual round-number ticks are used.
     */
    private static void avoidEquallySpacedTicks(XYChart chart) {
        for (XYSeries s : chart.getSeriesMap().values()) {
            double[] x = s.getXData();
            if (x.length > 12) {
                XYSeries hidden = chart.addSeries(" ", new double[] {x[0] + 0.37 * (x[1] - x[0])},
                        new double[] {s.getYData()[0]});
                hidden.setMarker(SeriesMarkers.NONE);
                hidden.setShowInLegend(false);
                return;
            }
        }
    }

    /** Scatter of 2-D points coloured by class; the legend lists class names (up to 20 classes). */
    public static void scatter(Path png, String title, String xLabel, String yLabel, float[][] points, int[] labels,
                               List<String> classNames) throws IOException {
        if (points.length != labels.length) {
            throw new IllegalArgumentException("scatter has " + points.length + " points but " + labels.length
                    + " labels");
        }
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xLabel)
                .yAxisTitle(yLabel).build();
        style(chart.getStyler());
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setLegendVisible(classNames.size() <= MAX_LEGEND_ENTRIES);
        chart.getStyler().setMarkerSize(points.length > 4000 ? 4 : 6);
        int[] counts = new int[classNames.size()];
        for (int label : labels) {
            if (label < 0 || label >= counts.length) {
                throw new IllegalArgumentException("scatter label " + label + " outside [0, " + counts.length + ")");
            }
            counts[label]++;
        }
        for (int c = 0; c < counts.length; c++) {
            if (counts[c] == 0) {
                continue;
            }
            double[] x = new double[counts[c]];
            double[] y = new double[counts[c]];
            int m = 0;
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] == c) {
                    x[m] = points[i][0];
                    y[m] = points[i][1];
                    m++;
                }
            }
            XYSeries s = chart.addSeries(uniqueName(chart, classNames.get(c)), x, y);
            s.setMarker(SeriesMarkers.CIRCLE);
            Color base = color(c);
            s.setMarkerColor(new Color(base.getRed(), base.getGreen(), base.getBlue(), 150));
        }
        if (labels.length == 0) {
            noData(chart);
        }
        writeChart(png, chart);
    }

    /**
     * Grouped bar chart: one group per category, one bar per series, values printed on the bars. {@code yMin} and
     * {@code yMax} may be null (automatic).
     */
    public static void bars(Path png, String title, String yLabel, List<String> categories,
                            Map<String, double[]> series, String valuePattern, Double yMin, Double yMax)
            throws IOException {
        writeChart(png, barChart(title, yLabel, categories, series, valuePattern, yMin, yMax));
    }

    static CategoryChart barChart(String title, String yLabel, List<String> categories, Map<String, double[]> series,
                                  String valuePattern, Double yMin, Double yMax) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle("")
                .yAxisTitle(yLabel).build();
        style(chart.getStyler());
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        chart.getStyler().setLegendVisible(series.size() > 1);
        chart.getStyler().setLabelsVisible(true);
        chart.getStyler().setLabelsFont(new Font(FONT, Font.PLAIN, 12));
        chart.getStyler().setLabelsFontColorAutomaticEnabled(true);
        chart.getStyler().setLabelsPosition(0.93);
        chart.getStyler().setYAxisDecimalPattern(valuePattern);
        chart.getStyler().setAvailableSpaceFill(0.8);
        chart.getStyler().setXAxisTitleVisible(false);
        if (categories.stream().mapToInt(String::length).sum() > 90) {
            chart.getStyler().setXAxisLabelRotation(30);
        }
        if (yMin != null) {
            chart.getStyler().setYAxisMin(yMin);
        }
        if (yMax != null) {
            chart.getStyler().setYAxisMax(yMax);
        }
        int i = 0;
        for (Map.Entry<String, double[]> e : series.entrySet()) {
            if (e.getValue().length != categories.size()) {
                throw new IllegalArgumentException("bar series '" + e.getKey() + "' has " + e.getValue().length
                        + " values for " + categories.size() + " categories");
            }
            List<Number> values = new ArrayList<>();
            for (double v : e.getValue()) {
                // XChart cannot draw NaN bars; a missing value is shown as an empty slot.
                values.add(Double.isFinite(v) ? v : null);
            }
            CategorySeries s = chart.addSeries(e.getKey(), categories, values);
            s.setFillColor(color(i++));
        }
        return chart;
    }

    /** Confusion matrix heatmap with counts; see {@link ConfusionMatrixImage}. */
    public static void confusionMatrix(Path png, String title, int[][] counts, List<String> classNames)
            throws IOException {
        writeImage(png, ConfusionMatrixImage.render(title, counts, classNames));
    }

    static XYChart histogramChart(String title, String xLabel, List<Distribution> distributions, double[] range,
                                  int width, int height, boolean legend) {
        XYChart chart = new XYChartBuilder().width(width).height(height).title(title)
                .xAxisTitle(xLabel == null ? "" : xLabel).yAxisTitle("test images").build();
        style(chart.getStyler());
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setLegendVisible(legend);
        chart.getStyler().setXAxisMin(range[0]);
        chart.getStyler().setXAxisMax(range[1]);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setXAxisDecimalPattern("0.0#");
        chart.getStyler().setYAxisDecimalPattern("#,##0");
        double width1 = (range[1] - range[0]) / HISTOGRAM_BINS;
        double top = 0;
        List<double[]> allCounts = new ArrayList<>();
        for (Distribution d : distributions) {
            double[] counts = new double[HISTOGRAM_BINS];
            for (double v : d.values()) {
                if (Double.isFinite(v)) {
                    int b = (int) Math.floor((v - range[0]) / width1);
                    counts[Math.max(0, Math.min(HISTOGRAM_BINS - 1, b))]++;
                }
            }
            allCounts.add(counts);
            for (double c : counts) {
                top = Math.max(top, c);
            }
        }
        boolean any = false;
        for (int i = 0; i < distributions.size(); i++) {
            Distribution d = distributions.get(i);
            Color c = d.color() != null ? d.color() : color(i);
            double[] counts = allCounts.get(i);
            // An explicit step outline (two points per bin edge) rendered as a filled area.
            // Edges computed once, the last pinned to the range end: XChart rejects any x that decreases.
            double[] edges = new double[HISTOGRAM_BINS + 1];
            for (int b = 0; b < HISTOGRAM_BINS; b++) {
                edges[b] = range[0] + b * width1;
            }
            edges[HISTOGRAM_BINS] = range[1];
            double[] x = new double[2 * HISTOGRAM_BINS + 2];
            double[] y = new double[x.length];
            x[0] = edges[0];
            for (int b = 0; b < HISTOGRAM_BINS; b++) {
                x[2 * b + 1] = edges[b];
                y[2 * b + 1] = counts[b];
                x[2 * b + 2] = edges[b + 1];
                y[2 * b + 2] = counts[b];
            }
            x[x.length - 1] = edges[HISTOGRAM_BINS];
            double median = Stats.median(d.values());
            String name = uniqueName(chart, d.name());
            XYSeries s = chart.addSeries(name, x, y);
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Area);
            s.setMarker(SeriesMarkers.NONE);
            s.setLineColor(c);
            s.setLineWidth(1.2f);
            s.setFillColor(translucent(c));
            if (Double.isFinite(median)) {
                XYSeries m = chart.addSeries(uniqueName(chart, "median " + String.format(Locale.ROOT, "%.3f", median)),
                        new double[] {median, median}, new double[] {0, Math.max(1, top) * 1.05});
                m.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
                m.setMarker(SeriesMarkers.NONE);
                m.setLineColor(c.darker());
                m.setLineStyle(new BasicStroke(2.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f,
                        new float[] {8f, 5f}, 0f));
                any = true;
            }
        }
        if (!any) {
            noData(chart);
        }
        return chart;
    }

    /** Shared histogram range over all finite values, padded a little; [0, 1] when there are none. */
    private static double[] range(List<Distribution> distributions) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Distribution d : distributions) {
            for (double v : d.values()) {
                if (Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        if (!(lo <= hi)) {
            return new double[] {0, 1};
        }
        double pad = Math.max(1e-3, 0.02 * (hi - lo));
        return new double[] {lo - pad, hi + pad};
    }

    private static Color translucent(Color c) {
        return new Color(c.getRed(), c.getGreen(), c.getBlue(), 95);
    }

    private static void noData(XYChart chart) {
        // XChart refuses to render an empty chart; an invisible point keeps the axes and the title says why.
        XYSeries s = chart.addSeries("no data", new double[] {0}, new double[] {0});
        s.setMarker(SeriesMarkers.NONE);
        s.setShowInLegend(false);
        chart.setTitle(chart.getTitle() + " (no data)");
    }

    private static String uniqueName(Chart<?, ?> chart, String name) {
        Map<String, ?> existing = chart.getSeriesMap();
        String candidate = name;
        for (int i = 2; existing.containsKey(candidate); i++) {
            candidate = name + " (" + i + ")";
        }
        return candidate;
    }

    private static void style(AxesChartStyler s) {
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setPlotBorderColor(new Color(200, 200, 200));
        s.setPlotGridLinesColor(new Color(230, 230, 230));
        s.setLegendBorderColor(Color.WHITE);
        s.setChartFontColor(new Color(40, 40, 40));
        s.setChartTitleFont(new Font(FONT, Font.BOLD, 18));
        s.setAxisTitleFont(new Font(FONT, Font.PLAIN, 14));
        s.setAxisTickLabelsFont(new Font(FONT, Font.PLAIN, 12));
        s.setLegendFont(new Font(FONT, Font.PLAIN, 13));
        s.setChartTitleBoxVisible(false);
        s.setChartPadding(14);
        s.setAxisTickMarkLength(4);
        s.setLegendSeriesLineLength(28);
        s.setPlotMargin(4);
    }

    static void writeChart(Path png, Chart<?, ?> chart) throws IOException {
        AtomicFiles.writeBytes(png, BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
    }

    static void writeImage(Path png, BufferedImage image) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        if (!ImageIO.write(image, "png", bytes)) {
            throw new IOException("no PNG writer available to write " + png);
        }
        AtomicFiles.writeBytes(png, bytes.toByteArray());
    }
}
