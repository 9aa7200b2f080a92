package org.contrastive4j.trainer;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import org.contrastive4j.core.data.Dataset;
import org.contrastive4j.core.eval.Evaluation;
import org.contrastive4j.models.EncoderBlock;
import org.contrastive4j.trainer.eval.EmbeddingExtractor;

/**
 * The evaluation of a run's weights, the same during training and for a finished run: backbone embeddings of the
 * evaluation query set against the reference set, scored by 1-NN, k-NN and a linear probe.
 */
public final class RunEvaluation {

    /** Scores with the embeddings they were computed from (the report and the ONNX check reuse them). */
    public record Embedded(Evaluation.Scores scores, float[][] reference, float[][] query) {}

    private static final int BATCH = 512;

    private RunEvaluation() {}

    public static Embedded evaluate(EncoderBlock block, NDManager manager, Device device, TrainingData data, int knnK) {
        float[][] reference = embed(block, manager, device, data, data.evalReference());
        float[][] query = embed(block, manager, device, data, data.evalQuery());
        Evaluation.Scores scores = Evaluation.score(reference, data.evalReference().labels(), query,
                data.evalQuery().labels(), data.train().classNames(), knnK);
        return new Embedded(scores, reference, query);
    }

    public static float[][] embed(EncoderBlock block, NDManager manager, Device device, TrainingData data, Dataset samples) {
        return EmbeddingExtractor.extract(block, manager, device, samples, data.normalization(),
                EmbeddingExtractor.Output.EMBEDDING, BATCH);
    }
}
