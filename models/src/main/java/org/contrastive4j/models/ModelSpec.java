package org.contrastive4j.models;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Everything needed to rebuild an encoder's block tree: DJL's {@code .params} files hold weights only, and BatchNorm
 * keeps its epsilon private, so the spec is the single source of truth for architecture and numerics.
 *
 * @param family {@code mlp}, {@code small-cnn}, {@code resnet18}, {@code resnet34} or {@code resnet50}
 * @param inputShape per-sample input shape, e.g. {@code [1,28,28]} (images, channel first) or {@code [64]}
 * @param width base channel count: small-cnn uses (w, 2w, 4w) channels, the resnets' stages (w, 2w, 4w, 8w) (their
 *     outputs, times 4 for resnet50's bottleneck blocks); unused by mlp
 * @param embeddingDim backbone output size (4w for small-cnn, 8w for resnet18/34, 32w for resnet50, the last layer of
 *     an mlp)
 * @param projectionDims projection head layer sizes (Linear-ReLU between them); empty = L2-normalised embedding
 * @param stem resnets only: {@code cifar} (3x3 conv, stride 1) or {@code imagenet} (7x7/2 conv + 3x3/2 max-pool)
 * @param bnEpsilon BatchNorm epsilon (exported as BatchNormalization.epsilon)
 * @param normEpsilon L2 normalisation epsilon: x / max(||x||, eps)
 * @param numClasses classifier head size on the embedding, 0 for none
 * @param hiddenDims mlp hidden layer sizes (Linear-BN-ReLU each); unused by the CNN families
 */
public record ModelSpec(String family, int[] inputShape, int width, int embeddingDim, int[] projectionDims, String stem,
                        float bnEpsilon, float normEpsilon, int numClasses, int[] hiddenDims) {

    public static final String MLP = "mlp";
    public static final String SMALL_CNN = "small-cnn";
    public static final String RESNET18 = "resnet18";
    /** Basic blocks 3-4-6-3 (torchvision's resnet34). */
    public static final String RESNET34 = "resnet34";
    /** Bottleneck blocks 3-4-6-3, expansion 4, stride on the 3x3 conv (torchvision's resnet50, "v1.5"). */
    public static final String RESNET50 = "resnet50";
    /** Every family, in the order help texts list them. */
    public static final List<String> FAMILIES = List.of(SMALL_CNN, MLP, RESNET18, RESNET34, RESNET50);
    public static final String STEM_CIFAR = "cifar";
    public static final String STEM_IMAGENET = "imagenet";
    public static final float DEFAULT_BN_EPSILON = 1e-5f;
    /** torch.nn.functional.normalize's default. */
    public static final float DEFAULT_NORM_EPSILON = 1e-12f;

    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    public ModelSpec {
        inputShape = inputShape == null ? null : inputShape.clone();
        projectionDims = projectionDims == null ? new int[0] : projectionDims.clone();
        hiddenDims = hiddenDims == null ? new int[0] : hiddenDims.clone();
        validate(family, inputShape, width, embeddingDim, projectionDims, stem, bnEpsilon, normEpsilon, numClasses, hiddenDims);
    }

    /** The small CNN: channels 32-64-128, 128-d embedding, head Linear(128)-ReLU-Linear(64). */
    public static ModelSpec smallCnn(int channels, int h, int w) {
        return new ModelSpec(SMALL_CNN, new int[] {channels, h, w}, 32, 128, new int[] {128, 64}, null,
                DEFAULT_BN_EPSILON, DEFAULT_NORM_EPSILON, 0, null);
    }

    /** An MLP over feature vectors: hidden Linear-BN-ReLU layers, a Linear to {@code emb}, head Linear(emb)-ReLU-Linear(emb). */
    public static ModelSpec mlp(int in, int[] hidden, int emb) {
        return new ModelSpec(MLP, new int[] {in}, 0, emb, new int[] {emb, emb}, null, DEFAULT_BN_EPSILON,
                DEFAULT_NORM_EPSILON, 0, hidden);
    }

    /** ResNet-18 at width 64 (512-d embedding), head Linear(512)-ReLU-Linear(128). */
    public static ModelSpec resnet18(int channels, int h, int w, String stem) {
        return resnet(RESNET18, channels, h, w, stem);
    }

    /**
     * A ResNet family ({@code resnet18}, {@code resnet34}, {@code resnet50}) at torchvision's width 64 (512-d embedding,
     * 2048-d for resnet50), head Linear(embedding)-ReLU-Linear(128).
     */
    public static ModelSpec resnet(String family, int channels, int h, int w, String stem) {
        if (!isResNet(family)) {
            throw new IllegalArgumentException("'" + family + "' is not a ResNet family (resnet18, resnet34, resnet50)");
        }
        int emb = embeddingPerWidth(family) * 64;
        return new ModelSpec(family, new int[] {channels, h, w}, 64, emb, new int[] {emb, 128}, stem,
                DEFAULT_BN_EPSILON, DEFAULT_NORM_EPSILON, 0, null);
    }

    /** Whether {@code family} is one of the ResNets (stem, four stages, global average pool). */
    public static boolean isResNet(String family) {
        return RESNET18.equals(family) || RESNET34.equals(family) || RESNET50.equals(family);
    }

    /** Residual blocks per stage of a ResNet family. */
    public static int[] resNetBlocks(String family) {
        return switch (family) {
            case RESNET18 -> new int[] {2, 2, 2, 2};
            case RESNET34, RESNET50 -> new int[] {3, 4, 6, 3};
            default -> throw new IllegalArgumentException("'" + family + "' is not a ResNet family");
        };
    }

    /** Whether a ResNet family uses bottleneck blocks (1x1, 3x3, 1x1 with 4x expansion). */
    public static boolean bottleneck(String family) {
        return RESNET50.equals(family);
    }

    /** Embedding size per unit of width: small-cnn 4, resnet18/34 8, resnet50 32. */
    private static int embeddingPerWidth(String family) {
        return switch (family) {
            case SMALL_CNN -> 4;
            case RESNET18, RESNET34 -> 8;
            case RESNET50 -> 32;
            default -> throw new IllegalArgumentException("model family '" + family + "' has no width (use hiddenDims)");
        };
    }

    public ModelSpec withNumClasses(int n) {
        return new ModelSpec(family, inputShape, width, embeddingDim, projectionDims, stem, bnEpsilon, normEpsilon, n, hiddenDims);
    }

    /** Changes the CNN width; the embedding follows it (4w, 8w or 32w). */
    public ModelSpec withWidth(int w) {
        int emb = embeddingPerWidth(family) * w;
        return new ModelSpec(family, inputShape, w, emb, projectionDims, stem, bnEpsilon, normEpsilon, numClasses, hiddenDims);
    }

    public ModelSpec withProjectionDims(int... dims) {
        return new ModelSpec(family, inputShape, width, embeddingDim, dims, stem, bnEpsilon, normEpsilon, numClasses, hiddenDims);
    }

    /** Changes the per-sample input shape (e.g. {@code [3, 224, 224]}). */
    public ModelSpec withInputShape(int... shape) {
        return new ModelSpec(family, shape, width, embeddingDim, projectionDims, stem, bnEpsilon, normEpsilon, numClasses, hiddenDims);
    }

    /** Changes a ResNet's stem ({@code cifar} or {@code imagenet}). */
    public ModelSpec withStem(String newStem) {
        return new ModelSpec(family, inputShape, width, embeddingDim, projectionDims, newStem, bnEpsilon, normEpsilon, numClasses,
                hiddenDims);
    }

    public ModelSpec withBnEpsilon(float eps) {
        return new ModelSpec(family, inputShape, width, embeddingDim, projectionDims, stem, eps, normEpsilon, numClasses, hiddenDims);
    }

    /** Size of the projection output (the embedding size when there is no head). */
    public int projectionDim() {
        return projectionDims.length == 0 ? embeddingDim : projectionDims[projectionDims.length - 1];
    }

    @Override
    public int[] inputShape() {
        return inputShape.clone();
    }

    @Override
    public int[] projectionDims() {
        return projectionDims.clone();
    }

    @Override
    public int[] hiddenDims() {
        return hiddenDims.clone();
    }

    public String toJson() {
        return GSON.toJson(this);
    }

    public static ModelSpec fromJson(String json) {
        if (json == null || json.isBlank()) {
            throw new IllegalArgumentException("model spec JSON is empty");
        }
        ModelSpec s;
        try {
            s = GSON.fromJson(json, ModelSpec.class);
        } catch (JsonParseException e) {
            throw new IllegalArgumentException("model spec is not valid JSON: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            // Gson wraps exceptions thrown by the record's constructor (our validation)
            for (Throwable c = e; c != null; c = c.getCause()) {
                if (c instanceof IllegalArgumentException iae) {
                    throw new IllegalArgumentException(iae.getMessage(), e);
                }
            }
            throw e;
        }
        if (s == null) {
            throw new IllegalArgumentException("model spec JSON is null");
        }
        return s;
    }

    private static void validate(String family, int[] inputShape, int width, int emb, int[] proj, String stem,
                                 float bnEps, float normEps, int numClasses, int[] hidden) {
        if (family == null) {
            throw new IllegalArgumentException("model spec needs a family (" + String.join(", ", FAMILIES) + ")");
        }
        if (inputShape == null || inputShape.length == 0) {
            throw new IllegalArgumentException("model spec needs an inputShape, e.g. [1,28,28] or [64]");
        }
        for (int d : inputShape) {
            if (d <= 0) {
                throw new IllegalArgumentException("inputShape " + Arrays.toString(inputShape) + " has a non-positive dimension");
            }
        }
        positive("embeddingDim", emb);
        for (int d : proj) {
            positive("projectionDims entry", d);
        }
        for (int d : hidden) {
            positive("hiddenDims entry", d);
        }
        if (numClasses < 0 || numClasses == 1) {
            throw new IllegalArgumentException("numClasses must be 0 (no classifier) or at least 2, got " + numClasses);
        }
        if (!(bnEps > 0) || !(normEps > 0)) {
            throw new IllegalArgumentException("bnEpsilon and normEpsilon must be positive, got " + bnEps + " and " + normEps);
        }
        switch (family) {
            case MLP -> {
                if (stem != null) {
                    throw new IllegalArgumentException("family mlp takes no stem, got '" + stem + "'");
                }
            }
            case SMALL_CNN -> {
                image(family, inputShape);
                positive("width", width);
                if (emb != 4 * width) {
                    throw new IllegalArgumentException("small-cnn embeddingDim must be 4 x width = " + 4 * width + ", got " + emb);
                }
                if (stem != null) {
                    throw new IllegalArgumentException("family small-cnn takes no stem, got '" + stem + "'");
                }
                if (inputShape[1] < 4 || inputShape[2] < 4) {
                    throw new IllegalArgumentException("small-cnn pools twice by 2: input " + Arrays.toString(inputShape) + " is too small");
                }
            }
            case RESNET18, RESNET34, RESNET50 -> {
                image(family, inputShape);
                positive("width", width);
                int per = embeddingPerWidth(family);
                if (emb != per * width) {
                    throw new IllegalArgumentException(family + " embeddingDim must be " + per + " x width = " + per * width
                            + ", got " + emb);
                }
                if (!STEM_CIFAR.equals(stem) && !STEM_IMAGENET.equals(stem)) {
                    throw new IllegalArgumentException(family + " stem must be 'cifar' or 'imagenet', got '" + stem + "'");
                }
            }
            default -> throw new IllegalArgumentException("unknown model family '" + family + "' (" + String.join(", ", FAMILIES)
                    + ")");
        }
    }

    private static void image(String family, int[] shape) {
        if (shape.length != 3) {
            throw new IllegalArgumentException(family + " needs a [channels, height, width] inputShape, got " + Arrays.toString(shape));
        }
    }

    private static void positive(String what, int v) {
        if (v <= 0) {
            throw new IllegalArgumentException(what + " must be positive, got " + v);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelSpec s && family.equals(s.family) && Arrays.equals(inputShape, s.inputShape)
                && width == s.width && embeddingDim == s.embeddingDim && Arrays.equals(projectionDims, s.projectionDims)
                && Objects.equals(stem, s.stem) && Float.compare(bnEpsilon, s.bnEpsilon) == 0
                && Float.compare(normEpsilon, s.normEpsilon) == 0 && numClasses == s.numClasses
                && Arrays.equals(hiddenDims, s.hiddenDims);
    }

    @Override
    public int hashCode() {
        return Objects.hash(family, Arrays.hashCode(inputShape), width, embeddingDim, Arrays.hashCode(projectionDims), stem,
                bnEpsilon, normEpsilon, numClasses, Arrays.hashCode(hiddenDims));
    }

    @Override
    public String toString() {
        return toJson();
    }
}
