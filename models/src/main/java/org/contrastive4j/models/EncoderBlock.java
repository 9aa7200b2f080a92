package org.contrastive4j.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Objects;
import java.util.Optional;

/**
 * An encoder: backbone (input to {@code embedding}), projection head ending in L2 normalisation ({@code projection}),
 * and an optional linear classifier on the embedding ({@code logits}).
 * {@link #forward} returns {@code NDList(embedding, projection[, logits])}.
 *
 * <p>The backbone can be frozen ({@link #setBackboneFrozen}) to warm up the heads on a pretrained backbone: it then
 * runs in inference mode even when training (BatchNorm normalises with, and does not update, its running
 * statistics, as torch's {@code backbone.eval()} does) and its output is detached, so no gradient reaches it.
 */
public final class EncoderBlock extends AbstractBlock {

    public static final int EMBEDDING = 0;
    public static final int PROJECTION = 1;
    public static final int LOGITS = 2;

    private final ModelSpec spec;
    private final Block backbone;
    private final Block projection;
    private final Block classifier;
    private volatile boolean backboneFrozen;

    /**
     * Assembles an encoder from parts; {@link Encoders#build} is the usual way. {@code classifier} may be null.
     */
    public EncoderBlock(ModelSpec spec, Block backbone, Block projection, Block classifier) {
        super((byte) 1);
        this.spec = Objects.requireNonNull(spec, "spec");
        this.backbone = addChildBlock("backbone", Objects.requireNonNull(backbone, "backbone"));
        this.projection = addChildBlock("projection", Objects.requireNonNull(projection, "projection"));
        this.classifier = classifier == null ? null : addChildBlock("classifier", classifier);
    }

    public ModelSpec spec() {
        return spec;
    }

    public Block backbone() {
        return backbone;
    }

    public Block projectionHead() {
        return projection;
    }

    public Optional<Block> classifier() {
        return Optional.ofNullable(classifier);
    }

    public boolean hasClassifier() {
        return classifier != null;
    }

    /**
     * Freezes (or thaws) the backbone for the following forwards: inference mode and no gradient. An optimizer must
     * also leave the backbone's parameters alone meanwhile (weight decay and momentum would still move them).
     */
    public void setBackboneFrozen(boolean frozen) {
        this.backboneFrozen = frozen;
    }

    public boolean backboneFrozen() {
        return backboneFrozen;
    }

    /** The input shape for initialisation: [batch, ...spec.inputShape]. */
    public Shape inputShape(long batch) {
        int[] s = spec.inputShape();
        long[] dims = new long[s.length + 1];
        dims[0] = batch;
        for (int i = 0; i < s.length; i++) {
            dims[i + 1] = s[i];
        }
        return new Shape(dims);
    }

    /** Initialises all parameters for float32 input of the spec's shape. */
    public EncoderBlock initialize(NDManager manager) {
        initialize(manager, DataType.FLOAT32, inputShape(1));
        return this;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        boolean frozen = backboneFrozen;
        NDArray embedding = backbone.forward(ps, inputs, training && !frozen, params).singletonOrThrow();
        if (frozen && training) {
            embedding = embedding.stopGradient();
        }
        NDList emb = new NDList(embedding);
        NDArray proj = projection.forward(ps, emb, training, params).singletonOrThrow();
        if (classifier == null) {
            return new NDList(embedding, proj);
        }
        NDArray logits = classifier.forward(ps, emb, training, params).singletonOrThrow();
        return new NDList(embedding, proj, logits);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        backbone.initialize(manager, dataType, inputShapes);
        Shape emb = backbone.getOutputShapes(inputShapes)[0];
        projection.initialize(manager, dataType, emb);
        if (classifier != null) {
            classifier.initialize(manager, dataType, emb);
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape emb = backbone.getOutputShapes(inputShapes)[0];
        Shape proj = projection.getOutputShapes(new Shape[] {emb})[0];
        if (classifier == null) {
            return new Shape[] {emb, proj};
        }
        return new Shape[] {emb, proj, classifier.getOutputShapes(new Shape[] {emb})[0]};
    }
}
