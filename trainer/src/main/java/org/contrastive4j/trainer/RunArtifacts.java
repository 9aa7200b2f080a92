package org.contrastive4j.trainer;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.contrastive4j.exporter.ExportOptions;
import org.contrastive4j.exporter.ExportReport;
import org.contrastive4j.exporter.OnnxExporter;
import org.contrastive4j.inference.Embedder;
import org.contrastive4j.inference.EmbedderOptions;
import org.contrastive4j.core.files.AtomicFiles;
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
    public static Map<String, Object> finish(TrainingSession session, TrainingSession.Result result, long startNanos,
            PrintStream out) throws Exception {
        TrainConfig c = session.config();
        Map<String, Object> summary = result.summary();
        Path dir = result.runDir();
        summary.put("test_accuracy", result.scores().knnAcc());
        summary.put("test_accuracy_method", result.scores().k() + "-NN (cosine) on DJL embeddings");
        if (c.export()) {
            ExportReport r = export(session, dir.resolve("model.onnx"), out);
            summary.put("export_max_abs_diff", r.maxAbsDiff());
            summary.put("onnx_path", r.path().toString());
            summary.putAll(verifyOnnx(session, result, r.path(), out));
        }
        TrainingCurves.write(dir.resolve("metrics.jsonl"), dir);
        if (c.report()) {
            writeReport(session, result, dir.resolve("report"));
            summary.put("report", dir.resolve("report/index.html").toString());
        }
        summary.put("seconds", (System.nanoTime() - startNanos) / 1e9);
        writeSummary(dir, summary);
        return summary;
    }

    /**
     * Embeds the evaluation data again with ONNX Runtime (the deployment path), compares with DJL's embeddings, and
     * scores the ONNX embeddings with the same evaluation code: transfer accuracy must not depend on the engine.
     */
    static Map<String, Object> verifyOnnx(TrainingSession session, TrainingSession.Result result, Path onnx, PrintStream out)
            throws IOException {
        var data = session.data();
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        try (Embedder embedder = Embedder.open(onnx, EmbedderOptions.defaults())) {
            float[][] reference = embedder.embed(data.evalReference());
            float[][] query = embedder.embed(data.evalQuery());
            double diff = Math.max(maxAbsDiff(reference, result.trainEmbeddings()), maxAbsDiff(query, result.testEmbeddings()));
            Evaluation.Scores onnxScores = Evaluation.score(reference, data.evalReference().labels(), query,
                    data.evalQuery().labels(), data.train().classNames(), result.scores().k());
            m.put("onnx_vs_djl_embeddings_max_abs_diff", diff);
            m.put("onnx_nn1_acc", onnxScores.nn1Acc());
            m.put("onnx_knn_acc", onnxScores.knnAcc());
            m.put("onnx_linear_probe_acc", onnxScores.linearProbeAcc());
            m.put("test_accuracy", onnxScores.knnAcc());
            m.put("test_accuracy_method", onnxScores.k() + "-NN (cosine) on ONNX Runtime embeddings, evaluation set vs reference set");
            out.printf(Locale.ROOT, "ONNX Runtime: %d embeddings, max |ONNX - DJL| = %.2e; %s%n", reference.length + query.length,
                    diff, onnxScores.describe());
        }
        return m;
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

    public static Path writeReport(TrainingSession session, TrainingSession.Result result, Path reportDir) throws IOException {
        var data = session.data();
        ReportInputs inputs = ReportInputs.builder()
                .runName(result.runDir().getFileName().toString())
                .classNames(data.train().classNames())
                .train(result.trainEmbeddings(), data.evalReference().labels())
                .test(result.testEmbeddings(), data.evalQuery().labels())
                .accuracy("nn1_acc", result.scores().nn1Acc())
                .accuracy("knn_acc", result.scores().knnAcc())
                .accuracy("linear_probe_acc", result.scores().linearProbeAcc())
                .confusionMatrix(result.scores().confusion(), "k-NN")
                .metricsJsonl(result.runDir().resolve("metrics.jsonl"))
                .summary(result.summary())
                .config(session.config().toJsonObject().asMap().entrySet().stream().collect(
                        java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> (Object) e.getValue().toString(),
                                (a, b) -> a, java.util.LinkedHashMap::new)))
                .build();
        return ReportWriter.write(reportDir, inputs).index();
    }

    public static void writeSummary(Path dir, Map<String, Object> summary) throws IOException {
        AtomicFiles.writeString(dir.resolve("summary.json"), TrainConfig.GSON.toJson(summary) + "\n");
    }
}
