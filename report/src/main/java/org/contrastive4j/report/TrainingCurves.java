package org.contrastive4j.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Training-curve PNGs from a run's {@code metrics.jsonl}. Each chart is written only when its series exist, so a
 * run without evaluation (or without the repulsion meter) simply has fewer charts.
 */
public final class TrainingCurves {

    /** File names, also the keys of the map {@link #write} returns. */
    public static final String LOSS = "loss.png";
    public static final String LR = "lr.png";
    public static final String EVAL = "eval_metrics.png";
    public static final String REPULSION = "repulsion.png";

    /** Evaluation fields plotted against epoch, with their legend names. */
    static final Map<String, String> EVAL_FIELDS = Map.of(
            "nn1_acc", "1-NN accuracy",
            "knn_acc", "k-NN accuracy",
            "linear_probe_acc", "linear-probe accuracy");

    private TrainingCurves() {}

    /**
     * Writes the charts into {@code outDir}.
     *
     * @return file name to path of each chart written, in a stable order
     * @throws IOException when the log cannot be read or a chart cannot be written
     */
    public static Map<String, Path> write(Path metricsJsonl, Path outDir) throws IOException {
        return write(MetricsLog.read(metricsJsonl), outDir);
    }

    static Map<String, Path> write(MetricsLog log, Path outDir) throws IOException {
        Map<String, Path> written = new LinkedHashMap<>();

        MetricsLog.Series loss = log.stepSeries("loss");
        MetricsLog.Series epochLoss = log.epochSeries("train_loss");
        if (!loss.isEmpty()) {
            List<Plots.Line> lines = new ArrayList<>();
            lines.add(new Plots.Line("loss (per step)", loss.x(), loss.y(), new java.awt.Color(31, 119, 180, 90),
                    false, false));
            lines.add(new Plots.Line("loss (smoothed)", loss.x(), Stats.ema(loss.y(), smoothing(loss.x().length)),
                    Plots.TARGET.darker(), false, false));
            Path p = outDir.resolve(LOSS);
            Plots.lines(p, "Training loss", "global step", "loss", lines);
            written.put(LOSS, p);
        } else if (!epochLoss.isEmpty()) {
            Path p = outDir.resolve(LOSS);
            Plots.lines(p, "Training loss (per epoch)", "epoch", "loss",
                    List.of(Plots.Line.of("mean training loss", epochLoss.x(), epochLoss.y())));
            written.put(LOSS, p);
        }

        MetricsLog.Series lr = log.stepSeries("lr");
        if (!lr.isEmpty()) {
            Path p = outDir.resolve(LR);
            Plots.lines(p, "Learning rate", "global step", "learning rate",
                    List.of(new Plots.Line("learning rate", lr.x(), lr.y(), Plots.color(2), false, false)));
            written.put(LR, p);
        }

        List<Plots.Line> eval = new ArrayList<>();
        int i = 0;
        for (String key : List.of("nn1_acc", "knn_acc", "linear_probe_acc")) {
            MetricsLog.Series s = log.epochSeries(key);
            if (!s.isEmpty()) {
                eval.add(new Plots.Line(EVAL_FIELDS.get(key), s.x(), s.y(), Plots.color(i), false, true));
            }
            i++;
        }
        if (!eval.isEmpty()) {
            Path p = outDir.resolve(EVAL);
            Plots.lines(p, "Evaluation on held-out data", "epoch", "accuracy", eval);
            written.put(EVAL, p);
        }

        MetricsLog.Series mean = log.epochSeries("repulsion_mean");
        MetricsLog.Series fraction = log.epochSeries("repulsion_fraction");
        if (!mean.isEmpty() || !fraction.isEmpty()) {
            List<Plots.Line> left = new ArrayList<>();
            List<Plots.Line> right = new ArrayList<>();
            if (!mean.isEmpty()) {
                left.add(new Plots.Line("mean repulsion (left axis)", mean.x(), mean.y(), Plots.color(3), false,
                        true));
            }
            if (!fraction.isEmpty()) {
                right.add(new Plots.Line("fraction of same-class pairs repelled (right axis)", fraction.x(),
                        fraction.y(), Plots.color(4), true, true));
            }
            Path p = outDir.resolve(REPULSION);
            Plots.dualAxisLines(p, "Intra-class repulsion meter", "epoch", "mean repulsion", left,
                    "fraction repelled", right);
            written.put(REPULSION, p);
        }
        return written;
    }

    /** Heavier smoothing for longer runs: roughly a window of 2% of the steps, between 0.6 and 0.98. */
    static double smoothing(int points) {
        double window = Math.max(1, points * 0.02);
        return Math.max(0.6, Math.min(0.98, 1 - 1 / window));
    }
}
