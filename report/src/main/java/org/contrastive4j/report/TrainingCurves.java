package org.contrastive4j.report;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.contrastive4j.core.contract.EvalField;
import org.contrastive4j.core.contract.MetricsField;
import org.contrastive4j.core.contract.MetricsLog;
import org.contrastive4j.core.contract.RunLayout;

/**
 * Training-curve PNGs from a run's {@code metrics.jsonl}. Each chart is written only when its series exist, so a
 * run without evaluation (or without the repulsion meter) simply has fewer charts.
 */
public final class TrainingCurves {

    /** File names, also the keys of the map {@link #write} returns. */
    public static final String LOSS = RunLayout.LOSS_PLOT;
    public static final String LR = RunLayout.LR_PLOT;
    public static final String EVAL = RunLayout.EVAL_PLOT;
    public static final String REPULSION = RunLayout.REPULSION_PLOT;

    /** Evaluation fields plotted against epoch, with their legend names. */
    static final Map<EvalField, String> EVAL_FIELDS = Map.of(
            EvalField.NN1_ACC, "1-NN accuracy",
            EvalField.KNN_ACC, "k-NN accuracy",
            EvalField.LINEAR_PROBE_ACC, "linear-probe accuracy");

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

        MetricsLog.Series loss = log.stepSeries(MetricsField.LOSS);
        MetricsLog.Series epochLoss = log.epochSeries(MetricsField.TRAIN_LOSS);
        if (!loss.isEmpty()) {
            List<Plots.Line> lines = new ArrayList<>();
            lines.add(new Plots.Line("loss (per step)", loss.x(), loss.y(), new Color(31, 119, 180, 90),
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

        MetricsLog.Series lr = log.stepSeries(MetricsField.LR);
        if (!lr.isEmpty()) {
            Path p = outDir.resolve(LR);
            Plots.lines(p, "Learning rate", "global step", "learning rate",
                    List.of(new Plots.Line("learning rate", lr.x(), lr.y(), Plots.color(2), false, false)));
            written.put(LR, p);
        }

        List<Plots.Line> eval = new ArrayList<>();
        int i = 0;
        for (EvalField key : List.of(EvalField.NN1_ACC, EvalField.KNN_ACC, EvalField.LINEAR_PROBE_ACC)) {
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

        MetricsLog.Series mean = log.epochSeries(MetricsField.REPULSION_MEAN);
        MetricsLog.Series fraction = log.epochSeries(MetricsField.REPULSION_FRACTION);
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
