package org.contrastive4j.trainer;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.contrastive4j.core.data.Dataset;
import org.contrastive4j.core.eval.Evaluation;
import org.contrastive4j.core.eval.LinearProbe;
import org.contrastive4j.exporter.AddedHeads;
import org.contrastive4j.exporter.ExportOptions;
import org.contrastive4j.models.EncoderBlock;
import org.contrastive4j.report.OutputSpread;
import org.contrastive4j.trainer.eval.EmbeddingExtractor;

/**
 * The evaluation of a run's weights, the same during training and for a finished run: backbone embeddings of the
 * evaluation query set against the reference set, scored by 1-NN, k-NN and a linear probe. The final evaluation also
 * compares the outputs a user may search with ({@link #outputSpreads}).
 */
public final class RunEvaluation {

    /**
     * Scores with what they were computed from (the report, the ONNX check and the export reuse them): backbone
     * embeddings and projections of the reference and query sets, and the linear probe fitted on the reference
     * embeddings.
     */
    public record Embedded(Evaluation.Scores scores, float[][] reference, float[][] query, float[][] referenceProjection,
            float[][] queryProjection, LinearProbe probe) {

        /** The reference embeddings' per-dimension mean: what {@code embedding_centered} subtracts. */
        public float[] referenceMean() {
            return mean(reference);
        }
    }

    /** Queries per output in {@link #outputSpreads}: at most this many multiply-adds of search each (≈ 2-4 s). */
    static final double SPREAD_WORK_BUDGET = 2e10;

    private static final int BATCH = 512;

    private RunEvaluation() {}

    public static Embedded evaluate(EncoderBlock block, NDManager manager, Device device, TrainingData data, int knnK) {
        float[][][] reference = embedBoth(block, manager, device, data, data.evalReference());
        float[][][] query = embedBoth(block, manager, device, data, data.evalQuery());
        Evaluation.Fitted fitted = Evaluation.scoreAndFit(reference[0], data.evalReference().labels(), query[0],
                data.evalQuery().labels(), data.train().classNames(), knnK);
        return new Embedded(fitted.scores(), reference[0], query[0], reference[1], query[1], fitted.probe());
    }

    public static float[][] embed(EncoderBlock block, NDManager manager, Device device, TrainingData data, Dataset samples) {
        return EmbeddingExtractor.extract(block, manager, device, samples, data.normalization(),
                EmbeddingExtractor.Output.EMBEDDING, BATCH);
    }

    private static float[][][] embedBoth(EncoderBlock block, NDManager manager, Device device, TrainingData data,
            Dataset samples) {
        return EmbeddingExtractor.extract(block, manager, device, samples, data.normalization(), BATCH,
                EmbeddingExtractor.Output.EMBEDDING, EmbeddingExtractor.Output.PROJECTION);
    }

    /**
     * The outputs of the exported model side by side — {@code embedding}, {@code embedding_centered} (centred on the
     * reference mean, L2-normalised, as the ONNX graph computes it) and {@code projection} — each measured by
     * {@link OutputSpread}: k-NN accuracy and the spread of its cosine similarities. All queries when the search fits
     * {@link #SPREAD_WORK_BUDGET} multiply-adds per output, else an evenly spaced subset of them (the same for every
     * output).
     */
    public static List<OutputSpread> outputSpreads(Embedded e, TrainingData data, int k, long seed) {
        int[] refLabels = data.evalReference().labels();
        int[] queryLabels = data.evalQuery().labels();
        int n = SearchBudget.queries(e.reference().length, e.reference()[0].length, e.query().length, SPREAD_WORK_BUDGET,
                1);
        int[] picked = SearchBudget.evenlySpaced(e.query().length, n);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = queryLabels[picked[i]];
        }
        float[] mean = e.referenceMean();
        Map<String, float[][][]> outputs = new LinkedHashMap<>();
        outputs.put(ExportOptions.Output.EMBEDDING.onnxName(), new float[][][] {e.reference(), rows(e.query(), picked)});
        outputs.put(ExportOptions.Output.EMBEDDING_CENTERED.onnxName(), new float[][][] {AddedHeads.centered(e.reference(), mean),
            AddedHeads.centered(rows(e.query(), picked), mean)});
        outputs.put(ExportOptions.Output.PROJECTION.onnxName(), new float[][][] {e.referenceProjection(),
            rows(e.queryProjection(), picked)});
        List<OutputSpread> spreads = new ArrayList<>();
        int classes = data.train().classNames().size();
        outputs.forEach((name, rq) -> spreads.add(OutputSpread.measure(name, rq[0], refLabels, rq[1], labels, classes,
                Math.min(k, rq[0].length), seed)));
        return spreads;
    }

    /** Which output similarity search should use: the centred embedding (its scores spread; see the README table). */
    public static String similarityOutput() {
        return ExportOptions.Output.EMBEDDING_CENTERED.onnxName();
    }

    /** The short name of an evaluation split for the lines that print accuracies: {@code test}, {@code validation}. */
    public static String splitName(String evalSplit) {
        int paren = evalSplit.indexOf(" (");
        return paren < 0 ? evalSplit : evalSplit.substring(0, paren);
    }

    static float[] mean(float[][] rows) {
        int d = rows[0].length;
        double[] sum = new double[d];
        for (float[] r : rows) {
            for (int k = 0; k < d; k++) {
                sum[k] += r[k];
            }
        }
        float[] m = new float[d];
        for (int k = 0; k < d; k++) {
            m[k] = (float) (sum[k] / rows.length);
        }
        return m;
    }

    private static float[][] rows(float[][] all, int[] picked) {
        if (picked.length == all.length) {
            return all;
        }
        float[][] r = new float[picked.length][];
        for (int i = 0; i < picked.length; i++) {
            r[i] = all[picked[i]];
        }
        return r;
    }
}
