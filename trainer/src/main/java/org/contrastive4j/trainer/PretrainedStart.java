package org.contrastive4j.trainer;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import org.contrastive4j.core.data.Shapes;
import org.contrastive4j.models.EncoderBlock;
import org.contrastive4j.models.Encoders;
import org.contrastive4j.models.ModelSpec;
import org.contrastive4j.models.weights.ResNetWeights;
import org.contrastive4j.trainer.data.Normalization;
import org.contrastive4j.trainer.optim.FrozenBackbone;
import org.contrastive4j.trainer.optim.Optimizer;

/**
 * A run's start from pretrained weights ({@code --init-weights}) and the frozen-backbone warm-up
 * ({@code --freeze-backbone-epochs}): where the trainer builds its model, optimizer and data, and before each step.
 *
 * <p>With weights, the architecture (family check, stem, width) comes from the weights ({@link ResNetWeights}), the
 * heads from the configuration, and inputs are normalised as the weights expect (ImageNet's mean/std, see
 * {@link ResNetWeights#inputMean}) instead of the data's own statistics. While frozen, the backbone runs in inference
 * mode (BatchNorm uses and keeps its running statistics) and the optimizer leaves it alone ({@link FrozenBackbone}).
 */
public final class PretrainedStart {

    private PretrainedStart() {}

    /** The data, normalised as the pretrained weights expect when there are any. */
    public static TrainingData withInputNormalization(TrainConfig c, TrainingData d) {
        int[] shape = d.train().sampleShape();
        if (c.initWeights().isEmpty() || shape.length != 3) {
            return d;
        }
        Normalization imagenet = new Normalization(ResNetWeights.inputMean(shape[0]), ResNetWeights.inputStd(shape[0]));
        return new TrainingData(d.description(), d.train(), d.validation(), d.evalReference(), d.evalQuery(), imagenet,
                d.evalSplit());
    }

    /**
     * The initialised encoder of a new run: {@code configured} as it is, or, with {@code --init-weights}, the weights'
     * architecture with {@code configured}'s heads and the weights loaded into the backbone.
     */
    public static EncoderBlock build(TrainConfig c, ModelSpec configured, int[] sampleShape, NDManager manager,
            PrintStream out) throws IOException {
        Shape input = new Shape(Shapes.prepend(1, sampleShape));
        if (c.initWeights().isEmpty()) {
            EncoderBlock block = Encoders.build(configured);
            block.initialize(manager, DataType.FLOAT32, input);
            return block;
        }
        Path file = Path.of(c.initWeights());
        if (!ModelSpec.isResNet(c.model())) {
            throw new IllegalArgumentException("--init-weights loads ResNet weights; --model is " + c.model()
                    + " (use resnet18, resnet34 or resnet50, as the weights are)");
        }
        try (ResNetWeights w = ResNetWeights.open(file)) {
            if (!w.family().equals(c.model())) {
                throw new IllegalArgumentException(file + ": the weights are a " + w.describe() + "; use --model " + w.family());
            }
            if (c.width() > 0 && c.width() != w.width()) {
                throw new IllegalArgumentException(file + ": --width " + c.width() + " differs from the weights' width "
                        + w.width() + " (leave --width out: it comes from the weights)");
            }
            ModelSpec spec = w.spec(c.model(), sampleShape).withProjectionDims(configured.projectionDims())
                    .withNumClasses(configured.numClasses());
            EncoderBlock block = Encoders.build(spec);
            block.initialize(manager, DataType.FLOAT32, input);
            ResNetWeights.LoadReport report = w.load(block);
            out.printf(Locale.ROOT, "init weights %s: %s; %s; stem and width come from the weights (--stem does not "
                    + "apply); inputs normalised with ImageNet's mean/std%n", file, w.describe(), report.describe());
            return block;
        }
    }

    /** The optimizer, made to skip the backbone while it is frozen when the run freezes it. */
    public static Optimizer optimizer(TrainConfig c, Optimizer optimizer, EncoderBlock block) {
        return c.freezeBackboneEpochs() > 0 ? new FrozenBackbone(optimizer, block) : optimizer;
    }

    /**
     * Freezes the backbone for the steps of the first {@code --freeze-backbone-epochs} epochs and thaws it after; call
     * before every step. Returns a line to print when the state changes, else null.
     */
    public static String beforeStep(TrainConfig c, EncoderBlock block, long globalStep, int stepsPerEpoch) {
        long frozenSteps = (long) c.freezeBackboneEpochs() * stepsPerEpoch;
        boolean frozen = globalStep < frozenSteps;
        if (frozen == block.backboneFrozen()) {
            return null;
        }
        block.setBackboneFrozen(frozen);
        return frozen
                ? String.format(Locale.ROOT, "backbone frozen for the first %d epoch%s (steps %d-%d): heads only, "
                        + "BatchNorm statistics kept", c.freezeBackboneEpochs(), c.freezeBackboneEpochs() == 1 ? "" : "s",
                        globalStep + 1, frozenSteps)
                : String.format(Locale.ROOT, "backbone unfrozen from step %d", globalStep + 1);
    }
}
