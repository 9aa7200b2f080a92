package org.contrastive4j.report;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Renders a report and a comparison from synthetic data into the folder given as the first argument, to look at
 * (not a test). Run: {@code java -cp trainer/target/classes:trainer/target/test-classes:<deps>
 * org.contrastive4j.report.ReportDemo /tmp/c4j-demo}.
 */
public final class ReportDemo {

    private ReportDemo() {}

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "target/report-demo");
        List<RunResult> runs = new ArrayList<>();
        String[] losses = {"sincere", "supcon", "infonce"};
        double[] spreads = {1.6, 2.0, 2.6};
        double[] repulsion = {0.0, 1.0, 0.6};
        for (int i = 0; i < losses.length; i++) {
            SyntheticRun data = SyntheticRun.generate(40 + i, 10, 600, 100, 128, spreads[i]);
            Path run = out.resolve(losses[i]);
            Files.createDirectories(run);
            Path metrics = run.resolve("metrics.jsonl");
            SyntheticRun.writeMetrics(metrics, 7 + i, 12, 40, 3.0 + 0.4 * i, repulsion[i]);
            EmbeddingDiagnostics pre = EmbeddingDiagnostics.compute(data.train, data.trainLabels, data.test,
                    data.testLabels, 10);
            long t0 = System.nanoTime();
            ReportWriter.Written w = ReportWriter.write(run.resolve("report"), ReportInputs.builder()
                    .runName("fashion-mnist-small-cnn-" + losses[i])
                    .classNames(SyntheticRun.FASHION)
                    .train(data.train, data.trainLabels)
                    .test(data.test, data.testLabels)
                    .accuracy("nn1_acc", pre.nn1Accuracy()).accuracy("knn_acc", pre.nn1Accuracy() + 0.004)
                    .accuracy("linear_probe_acc", pre.nn1Accuracy() + 0.01)
                    .metricsJsonl(metrics)
                    .config(Map.of("loss", losses[i], "temperature", 0.1, "model", "small-cnn",
                            "dataset", "fashion-mnist", "seed", 42, "epochs", 12))
                    .summary(Map.of("wall_time_s", 812.4, "img_per_s", 2150.0))
                    .build());
            EmbeddingDiagnostics d = w.diagnostics();
            System.out.printf("%s: report in %.2f s, nn1=%.4f median target=%.3f noise=%.3f gap=%.3f%n", losses[i],
                    (System.nanoTime() - t0) / 1e9, d.nn1Accuracy(), d.medianTarget(), d.medianNoise(),
                    d.medianGap());
            runs.add(new RunResult(losses[i], Map.of("nn1_acc", d.nn1Accuracy(), "knn_acc", d.nn1Accuracy() + 0.004,
                    "linear_probe_acc", d.nn1Accuracy() + 0.01, "median_target", d.medianTarget(),
                    "median_noise", d.medianNoise(), "median_gap", d.medianGap(),
                    "repulsion_mean", 0.02 * repulsion[i], "repulsion_fraction", 0.4 * repulsion[i],
                    "seconds", 800.0 + 37 * i), metrics, run.resolve("report")));
        }
        ComparisonWriter.write(out.resolve("compare"), runs);
        System.out.println("wrote " + out.toAbsolutePath());
    }
}
