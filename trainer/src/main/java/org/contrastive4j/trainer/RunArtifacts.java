package org.contrastive4j.trainer;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.contrastive4j.core.contract.EvalField;
import org.contrastive4j.core.contract.RunLayout;
import org.contrastive4j.core.contract.Summary;
import org.contrastive4j.core.contract.SummaryField;
import org.contrastive4j.exporter.ExportOptions;
import org.contrastive4j.exporter.ExportReport;
import org.contrastive4j.exporter.OnnxExporter;
import org.contrastive4j.inference.Embedder;
import org.contrastive4j.inference.EmbedderOptions;
import org.contrastive4j.trainer.data.EvalBatches;
import org.contrastive4j.core.eval.Evaluation;
import org.contrastive4j.report.ReportInputs;
import org.contrastive4j.report.ReportWriter;
import org.contrastive4j.report.TrainingCurves;

/** What a finished run leaves behind besides checkpoints: model.onnx, training curves, the report, summary.json. */
public final class RunArtifacts {

    private RunArtifacts() {}

    /** Exports {@code model.onnx} with a parity check on a real batch of the evaluation data. */
    public static ExportReport export(TrainingSession session, Path onnx, PrintStream out) throws Exception {
        var data = session.data();
        int n = Math.min(64, data.evalQuery().size());
        float[] real = new EvalBatches(data.evalQuery().head(n), data.normalization(), n).iterator().next().x();
        ExportOptions options = ExportOptions.builder()
                .metadata(session.provenance())
                .realBatch(real, n)
                .build();
        ExportReport report = OnnxExporter.export(session.block(), options, onnx);
        out.printf(Locale.ROOT, "exported %s: %d nodes, %.1f KiB, parity max |DJL - ONNX Runtime| = %.3g%n", onnx,
                report.nodeCount(), report.fileBytes() / 1024.0, report.maxAbsDiff());
        return report;
    }

    /** Export (if configured), curves and report (if configured), then summary.json. Returns the summary. */
    public static Summary finish(TrainingSession session, TrainingSession.Result result, long startNanos,
            PrintStream out) throws Exception {
        TrainConfig c = session.config();
        Summary summary = result.summary();
        Path dir = result.runDir();
        RunLayout layout = RunLayout.of(dir);
        summary.put(SummaryField.TEST_ACCURACY, result.scores().knnAcc());
        summary.put(SummaryField.TEST_ACCURACY_METHOD, result.scores().k() + "-NN (cosine) on DJL embeddings");
        if (c.export()) {
            ExportReport r = export(session, layout.model(), out);
            summary.put(SummaryField.EXPORT_MAX_ABS_DIFF, r.maxAbsDiff());
            summary.put(SummaryField.ONNX_PATH, r.path().toString());
            verifyOnnx(session, result, r.path(), summary, out);
        }
        TrainingCurves.write(layout.metrics(), dir);
        if (c.report()) {
            writeReport(c, session.data(), result, layout.reportDir());
            summary.put(SummaryField.REPORT, layout.reportIndex().toString());
        }
        summary.put(SummaryField.SECONDS, (System.nanoTime() - startNanos) / 1e9);
        summary.write(layout.summary());
        return summary;
    }

    /**
     * Embeds the evaluation data again with ONNX Runtime (the deployment path), compares with DJL's embeddings, and
     * scores the ONNX embeddings with the same evaluation code: transfer accuracy must not depend on the engine.
     */
    static void verifyOnnx(TrainingSession session, TrainingSession.Result result, Path onnx, Summary m, PrintStream out)
            throws IOException {
        var data = session.data();
        try (Embedder embedder = Embedder.open(onnx, EmbedderOptions.defaults())) {
            float[][] reference = embedder.embed(data.evalReference());
            float[][] query = embedder.embed(data.evalQuery());
            double diff = Math.max(maxAbsDiff(reference, result.trainEmbeddings()), maxAbsDiff(query, result.testEmbeddings()));
            Evaluation.Scores onnxScores = Evaluation.score(reference, data.evalReference().labels(), query,
                    data.evalQuery().labels(), data.train().classNames(), result.scores().k());
            m.put(SummaryField.ONNX_VS_DJL_EMBEDDINGS_MAX_ABS_DIFF, diff);
            m.put(SummaryField.ONNX_NN1_ACC, onnxScores.nn1Acc());
            m.put(SummaryField.ONNX_KNN_ACC, onnxScores.knnAcc());
            m.put(SummaryField.ONNX_LINEAR_PROBE_ACC, onnxScores.linearProbeAcc());
            m.put(SummaryField.TEST_ACCURACY, onnxScores.knnAcc());
            m.put(SummaryField.TEST_ACCURACY_METHOD, onnxScores.k() + "-NN (cosine) on ONNX Runtime embeddings, evaluation set vs reference set");
            out.printf(Locale.ROOT, "ONNX Runtime: %d embeddings, max |ONNX - DJL| = %.2e; %s%n", reference.length + query.length,
                    diff, onnxScores.describe());
        }
    }

    static double maxAbsDiff(float[][] a, float[][] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[i].length; j++) {
                m = Math.max(m, Math.abs(a[i][j] - b[i][j]));
            }
        }
        return m;
    }

    /** Writes the HTML report of a run (its configuration, data and evaluated embeddings) into {@code reportDir}. */
    public static Path writeReport(TrainConfig config, TrainingData data, TrainingSession.Result result, Path reportDir)
            throws IOException {
        ReportInputs inputs = ReportInputs.builder()
                .runName(result.runDir().getFileName().toString())
                .classNames(data.train().classNames())
                .train(result.trainEmbeddings(), data.evalReference().labels())
                .test(result.testEmbeddings(), data.evalQuery().labels())
                .accuracy(EvalField.NN1_ACC.json(), result.scores().nn1Acc())
                .accuracy(EvalField.KNN_ACC.json(), result.scores().knnAcc())
                .accuracy(EvalField.LINEAR_PROBE_ACC.json(), result.scores().linearProbeAcc())
                .confusionMatrix(result.scores().confusion(), "k-NN")
                .metricsJsonl(RunLayout.of(result.runDir()).metrics())
                .summary(result.summary().asMap())
                .config(config.toJsonObject().asMap().entrySet().stream().collect(
                        Collectors.toMap(Map.Entry::getKey, e -> (Object) e.getValue().toString(),
                                (a, b) -> a, LinkedHashMap::new)))
                .build();
        return ReportWriter.write(reportDir, inputs).index();
    }
}
