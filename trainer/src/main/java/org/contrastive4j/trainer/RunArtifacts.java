package org.contrastive4j.trainer;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.contrastive4j.core.contract.EvalField;
import org.contrastive4j.core.contract.MetadataKeys;
import org.contrastive4j.core.contract.ModelMetadata;
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
import org.contrastive4j.core.eval.LinearProbe;
import org.contrastive4j.models.EncoderBlock;
import org.contrastive4j.report.ReportInputs;
import org.contrastive4j.report.ReportWriter;
import org.contrastive4j.report.TrainingCurves;

/** What a finished run leaves behind besides checkpoints: model.onnx, training curves, the report, summary.json. */
public final class RunArtifacts {

    private RunArtifacts() {}

    /**
     * Exports {@code model.onnx} with a parity check on a real batch of the evaluation data. With the run's final
     * evaluation, the file also carries what makes it deployable alone: the linear probe it fitted as the classifier
     * head (unless the model has a head of its own) and the centred embedding, the default output for similarity.
     */
    public static ExportReport export(TrainingSession session, RunEvaluation.Embedded evaluation, Path onnx, PrintStream out)
            throws Exception {
        return export(session.block(), session.data(), session.provenance(), evaluation, onnx, out);
    }

    /** As {@link #export(TrainingSession, RunEvaluation.Embedded, Path, PrintStream)} for any block and data. */
    public static ExportReport export(EncoderBlock block, TrainingData data, Map<String, String> provenance,
            RunEvaluation.Embedded evaluation, Path onnx, PrintStream out) throws Exception {
        ExportReport report = OnnxExporter.export(block, exportOptions(block, data, provenance, evaluation).build(), onnx);
        out.printf(Locale.ROOT, "exported %s: %d nodes, %.1f KiB, parity max |DJL - ONNX Runtime| = %.3g (%.3g relative "
                + "to the output's magnitude)%s%n", onnx, report.nodeCount(), report.fileBytes() / 1024.0, report.maxAbsDiff(),
                report.maxScaledDiff(), evaluation == null ? ""
                        : block.hasClassifier() ? " (outputs embedding, projection, embedding_centered, the model's own "
                                + "classifier head)" : " (outputs embedding, projection, embedding_centered, and the linear "
                                + "probe as logits/probabilities)");
        return report;
    }

    /**
     * How a run's model is exported (also by {@code ./c4j export --run}): its provenance, a real batch of the evaluation
     * data for the parity check, and with the final evaluation ({@code null}: without) the centred embedding and, for
     * a model without a classifier head, the linear probe as one.
     */
    public static ExportOptions.Builder exportOptions(EncoderBlock block, TrainingData data, Map<String, String> provenance,
            RunEvaluation.Embedded evaluation) {
        int n = Math.min(64, data.evalQuery().size());
        float[] real = new EvalBatches(data.evalQuery().head(n), data.normalization(), n).iterator().next().x();
        ExportOptions.Builder options = ExportOptions.builder()
                .metadata(provenance)
                .realBatch(real, n);
        if (evaluation != null) {
            options.embeddingMean(evaluation.referenceMean());
            if (!block.hasClassifier()) {
                options.linearProbe(evaluation.probe());
                options.metadata(MetadataKeys.CLASSIFIER_HEAD, ModelMetadata.json(probeHead(evaluation, data)));
            }
        }
        return options;
    }

    /** What the exported {@code logits}/{@code probabilities} are, for {@code c4j.classifier_head}. */
    static Map<String, Object> probeHead(RunEvaluation.Embedded evaluation, TrainingData data) {
        Map<String, Object> head = new LinkedHashMap<>();
        head.put("kind", "linear probe");
        head.put("input", ExportOptions.Output.EMBEDDING.onnxName());
        head.put("method", "multinomial logistic regression on the standardised embedding (L-BFGS, l2 "
                + LinearProbe.Options.defaults().l2() + ")");
        head.put("fitted_on", data.evalReference().size() + " reference embeddings (the training samples)");
        head.put("accuracy", evaluation.scores().linearProbeAcc());
        head.put("eval_split", data.evalSplit());
        return head;
    }

    /** Export (if configured), curves and report (if configured), then summary.json. Returns the summary. */
    public static Summary finish(TrainingSession session, TrainingSession.Result result, long startNanos,
            PrintStream out) throws Exception {
        TrainConfig c = session.config();
        Summary summary = result.summary();
        Path dir = result.runDir();
        RunLayout layout = RunLayout.of(dir);
        String split = RunEvaluation.splitName(session.data().evalSplit());
        summary.put(SummaryField.TEST_ACCURACY, result.scores().knnAcc());
        summary.put(SummaryField.TEST_ACCURACY_METHOD, result.scores().k() + "-NN (cosine) on DJL embeddings, " + split
                + " split vs reference set");
        if (c.export()) {
            ExportReport r = export(session, result.evaluation(), layout.model(), out);
            summary.put(SummaryField.EXPORT_MAX_ABS_DIFF, r.maxAbsDiff());
            summary.put(SummaryField.EXPORT_MAX_SCALED_DIFF, r.maxScaledDiff());
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
     * scores the ONNX embeddings with the same evaluation code: transfer accuracy must not depend on the engine. The
     * exported probe head is checked against the probe itself on every query: its probabilities and its classes.
     */
    static void verifyOnnx(TrainingSession session, TrainingSession.Result result, Path onnx, Summary m, PrintStream out)
            throws IOException {
        var data = session.data();
        String embedding = ExportOptions.Output.EMBEDDING.onnxName();
        String split = RunEvaluation.splitName(data.evalSplit());
        try (Embedder embedder = Embedder.open(onnx, EmbedderOptions.defaults())) {
            float[][] reference = embedder.output(embedding, data.evalReference());
            float[][] query = embedder.output(embedding, data.evalQuery());
            double diff = Math.max(maxAbsDiff(reference, result.trainEmbeddings()), maxAbsDiff(query, result.testEmbeddings()));
            Evaluation.Scores onnxScores = Evaluation.score(reference, data.evalReference().labels(), query,
                    data.evalQuery().labels(), data.train().classNames(), result.scores().k());
            m.put(SummaryField.ONNX_VS_DJL_EMBEDDINGS_MAX_ABS_DIFF, diff);
            m.put(SummaryField.ONNX_NN1_ACC, onnxScores.nn1Acc());
            m.put(SummaryField.ONNX_KNN_ACC, onnxScores.knnAcc());
            m.put(SummaryField.ONNX_LINEAR_PROBE_ACC, onnxScores.linearProbeAcc());
            m.put(SummaryField.TEST_ACCURACY, onnxScores.knnAcc());
            m.put(SummaryField.TEST_ACCURACY_METHOD, onnxScores.k() + "-NN (cosine) on ONNX Runtime embeddings, " + split
                    + " split vs reference set");
            out.printf(Locale.ROOT, "ONNX Runtime: %d embeddings, max |ONNX - DJL| = %.2e; %s on %s%n", reference.length + query.length,
                    diff, onnxScores.describe(), split);
            if (result.evaluation() != null && !session.block().hasClassifier()) {
                verifyProbeHead(embedder, result.evaluation(), data, m, out);
            } else if (session.block().hasClassifier()) {
                m.put(SummaryField.CLASSIFIER_HEAD, "the model's own classifier head (trained with it)");
            }
        }
    }

    /** The exported probe head against {@link LinearProbe} on every evaluation query. */
    private static void verifyProbeHead(Embedder embedder, RunEvaluation.Embedded evaluation, TrainingData data, Summary m,
            PrintStream out) {
        float[][] onnx = embedder.output(ExportOptions.Output.PROBABILITIES.onnxName(), data.evalQuery());
        float[][] probe = evaluation.probe().probabilities(evaluation.query());
        int[] want = evaluation.probe().predict(evaluation.query());
        int same = 0;
        for (int i = 0; i < onnx.length; i++) {
            int best = 0;
            for (int c = 1; c < onnx[i].length; c++) {
                best = onnx[i][c] > onnx[i][best] ? c : best;
            }
            same += best == want[i] ? 1 : 0;
        }
        double diff = maxAbsDiff(onnx, probe);
        double agreement = same / (double) onnx.length;
        m.put(SummaryField.CLASSIFIER_HEAD, "linear probe on the embedding (standardised), fitted on the "
                + data.evalReference().size() + " reference embeddings");
        m.put(SummaryField.ONNX_PROBE_MAX_ABS_DIFF, diff);
        m.put(SummaryField.ONNX_PROBE_AGREEMENT, agreement);
        out.printf(Locale.ROOT, "ONNX probe head: max |ONNX - LinearProbe| = %.2e over the class probabilities of %d %s "
                + "queries; same class on %d of %d%n", diff, onnx.length, RunEvaluation.splitName(data.evalSplit()), same,
                onnx.length);
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
        Summary summary = result.summary();
        ReportInputs.Builder inputs = ReportInputs.builder()
                .runName(result.runDir().getFileName().toString())
                .classNames(data.train().classNames())
                .evalSplit(data.evalSplit())
                .train(result.trainEmbeddings(), data.evalReference().labels())
                .test(result.testEmbeddings(), data.evalQuery().labels())
                .accuracy(EvalField.NN1_ACC.json(), result.scores().nn1Acc())
                .accuracy(EvalField.KNN_ACC.json(), result.scores().knnAcc())
                .accuracy(EvalField.LINEAR_PROBE_ACC.json(), result.scores().linearProbeAcc())
                .confusionMatrix(result.scores().confusion(), "k-NN")
                .metricsJsonl(RunLayout.of(result.runDir()).metrics())
                .outputs(result.outputs(), summary.text(SummaryField.SIMILARITY_OUTPUT).orElse(null))
                .summary(summary.asMap())
                .config(config.toJsonObject().asMap().entrySet().stream().collect(
                        Collectors.toMap(Map.Entry::getKey, e -> (Object) (e.getValue().isJsonPrimitive()
                                ? e.getValue().getAsString() : e.getValue().toString()),
                                (a, b) -> a, LinkedHashMap::new)));
        if (summary.has(SummaryField.BASELINE_METHOD)) {
            Map<String, Double> baseline = new LinkedHashMap<>();
            if (summary.has(SummaryField.BASELINE_NN1_ACC)) {
                baseline.put(EvalField.NN1_ACC.json(), summary.number(SummaryField.BASELINE_NN1_ACC));
                baseline.put(EvalField.KNN_ACC.json(), summary.number(SummaryField.BASELINE_KNN_ACC));
            }
            inputs.baseline(baseline, summary.text(SummaryField.BASELINE_METHOD).orElse(""));
        }
        return ReportWriter.write(reportDir, inputs.build()).index();
    }
}
