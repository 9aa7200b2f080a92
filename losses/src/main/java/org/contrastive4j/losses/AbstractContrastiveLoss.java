package org.contrastive4j.losses;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Input checks, normalisation and native-memory scoping shared by all losses. Subclasses implement the loss on the
 * rows they see ({@link #lossOfRows}) and on the Gram matrix of those rows ({@link #lossOfSimilarities}); every
 * intermediate lives in a sub-manager closed before {@link #compute} returns (autograd keeps what backward needs).
 */
public abstract class AbstractContrastiveLoss implements SimilarityLoss {

    private final boolean normalize;

    protected AbstractContrastiveLoss(boolean normalize) {
        this.normalize = normalize;
    }

    /** Whether rows are L2-normalised inside the loss. */
    public boolean normalize() {
        return normalize;
    }

    /** Views this loss requires, or 0 for any number. */
    protected int requiredViews() {
        return 0;
    }

    /** The loss's own parameters (without {@code normalize}), in a stable order. */
    protected abstract Map<String, Object> ownParams();

    @Override
    public final Map<String, Object> params() {
        Map<String, Object> p = new LinkedHashMap<>(ownParams());
        p.put("normalize", normalize);
        return Collections.unmodifiableMap(p);
    }

    @Override
    public final NDArray compute(NDArray embeddings, NDArray labels, int views) {
        checkInputs(embeddings, labels, views, "embeddings");
        return scoped(embeddings, labels, () -> {
            checkFinite(embeddings, "embeddings");
            NDArray z = normalize ? LossOps.l2Normalize(embeddings) : embeddings;
            return embeddings.getShape().get(0) < 2 ? LossOps.scale(z.sum(), 0) : lossOfRows(z, supervised() ? labels : null, views);
        });
    }

    @Override
    public final NDArray computeFromSimilarities(NDArray similarities, NDArray labels, int views, long dim) {
        checkInputs(similarities, labels, views, "similarities");
        if (dim < 1) {
            throw new IllegalArgumentException(name() + ": dim must be >= 1, got " + dim);
        }
        Shape s = similarities.getShape();
        if (s.get(0) != s.get(1)) {
            throw new IllegalArgumentException("similarities must be square [M, M], got " + s);
        }
        return scoped(similarities, labels, () -> {
            checkFinite(similarities, "similarities");
            return s.get(0) < 2 ? LossOps.scale(similarities.sum(), 0)
                    : lossOfSimilarities(similarities, supervised() ? labels : null, views, dim);
        });
    }

    /** The loss of rows {@code z} [M, D] (normalised if the loss normalises); M ≥ 2, inputs validated. */
    protected NDArray lossOfRows(NDArray z, NDArray labels, int views) {
        return lossOfSimilarities(z.matMul(z.transpose()), labels, views, z.getShape().get(1));
    }

    /** The loss of the Gram matrix {@code s} [M, M] of the rows; M ≥ 2, inputs validated. */
    protected abstract NDArray lossOfSimilarities(NDArray s, NDArray labels, int views, long dim);

    private interface Body {
        NDArray run();
    }

    /** Runs {@code body} with its inputs temporarily in a sub-manager, keeping only the result. */
    private static NDArray scoped(NDArray input, NDArray labels, Body body) {
        NDManager parent = input.getManager();
        try (NDManager sub = parent.newSubManager()) {
            input.tempAttach(sub);
            if (labels != null) {
                labels.tempAttach(sub);
            }
            NDArray result = body.run();
            result.attach(parent);
            return result;
        }
    }

    private void checkInputs(NDArray x, NDArray labels, int views, String what) {
        if (x == null) {
            throw new IllegalArgumentException(name() + ": " + what + " is null");
        }
        Shape shape = x.getShape();
        if (shape.dimension() != 2) {
            throw new IllegalArgumentException(name() + ": " + what + " must have rank 2 [V*N, D], got shape " + shape);
        }
        DataType dt = x.getDataType();
        if (dt != DataType.FLOAT32 && dt != DataType.FLOAT64) {
            throw new IllegalArgumentException(name() + ": " + what + " must be float32 or float64, got " + dt);
        }
        if (views < 1) {
            throw new IllegalArgumentException(name() + ": views must be >= 1, got " + views);
        }
        int required = requiredViews();
        if (required > 0 && views != required) {
            throw new IllegalArgumentException(name() + " needs exactly " + required + " views, got views=" + views);
        }
        long rows = shape.get(0);
        if (rows == 0 || rows % views != 0) {
            throw new IllegalArgumentException(name() + ": rows (" + rows + ") must be a positive multiple of views ("
                    + views + ")");
        }
        long n = rows / views;
        if (supervised()) {
            if (labels == null) {
                throw new IllegalArgumentException(name() + " is supervised: labels [N] are required, got null");
            }
            if (labels.getShape().dimension() != 1) {
                throw new IllegalArgumentException(name() + ": labels must have rank 1 [N], got shape "
                        + labels.getShape());
            }
            if (labels.size() != n) {
                throw new IllegalArgumentException(name() + ": labels length " + labels.size() + " != N = rows/views = "
                        + n);
            }
            DataType lt = labels.getDataType();
            if (lt != DataType.INT32 && lt != DataType.INT64) {
                throw new IllegalArgumentException(name() + ": labels must be int32 or int64, got " + lt);
            }
        }
        checkShape(n, views);
    }

    /** Extra per-loss constraints on N and V (e.g. CACR needs N ≥ 2 and V ≥ 2). */
    protected void checkShape(long samples, int views) {}

    private void checkFinite(NDArray x, String what) {
        if (x.isNaN().logicalOr(x.isInfinite()).any().getBoolean()) {
            throw new IllegalArgumentException(name() + ": " + what + " contain NaN or Inf");
        }
    }
}
