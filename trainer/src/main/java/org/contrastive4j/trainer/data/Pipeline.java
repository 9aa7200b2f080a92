package org.contrastive4j.trainer.data;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A chain of augmentations followed by normalisation, turning one stored sample (values in [0, 1]) into one
 * normalised view. Immutable and thread-safe; the per-thread state lives in the {@link ImageBuffer} passed in.
 *
 * <p>Presets ({@link #preset}):
 * <ul>
 *   <li>{@code grayscale-default}: random resized crop (scale 0.85-1, ratio 3/4-4/3, back to the input size),
 *       horizontal flip p=0.5, Gaussian noise sigma=0.01. Deliberately mild: on Fashion-MNIST with small-cnn and a
 *       supervised loss (SINCERE/SupCon, 15 epochs, B=256, 2 views; scripts/tune_grayscale_augmentation.py) it gave
 *       test 1-NN 0.909-0.911, level with no augmentation (0.912-0.918), and 0.920 vs 0.915 at 30 epochs, while the
 *       stronger recipe below lost about a point at 15 epochs (0.897-0.902).</li>
 *   <li>{@code grayscale-strong}: translate +-2 px, random resized crop (scale 0.7-1), flip p=0.5, noise sigma=0.02;
 *       for self-supervised losses, where views must differ more for the task to be non-trivial.</li>
 *   <li>{@code rgb-default}: SimCLR's recipe: random resized crop (0.2-1), flip p=0.5, colour jitter 0.4/0.4/0.4/0.1
 *       with p=0.8, random grayscale p=0.2.</li>
 *   <li>{@code none}: normalisation only (also the only choice for non-image samples).</li>
 *   <li>{@code auto}: {@code grayscale-default} for 1-channel images, {@code rgb-default} for 3-channel images,
 *       {@code none} otherwise.</li>
 * </ul>
 */
public final class Pipeline {

    public static final List<String> PRESETS = List.of("auto", "grayscale-default", "grayscale-strong", "rgb-default", "none");

    private final String name;
    private final List<Augmentation> steps;
    private final Normalization normalization;
    private final int[] inputShape;
    private final int[] outputShape;

    public Pipeline(String name, List<Augmentation> steps, Normalization normalization, int[] inputShape) {
        this.name = name;
        this.steps = List.copyOf(steps);
        this.normalization = normalization;
        this.inputShape = inputShape.clone();
        normalization.checkCompatible(inputShape);
        if (!this.steps.isEmpty() && inputShape.length != 3) {
            throw new IllegalArgumentException("augmentations need images [C, H, W], but samples have shape "
                    + Arrays.toString(inputShape) + "; use the 'none' pipeline for feature vectors");
        }
        int[] out = inputShape.clone();
        for (Augmentation a : this.steps) {
            out[1] = a.outputHeight(out[1]);
            out[2] = a.outputWidth(out[2]);
        }
        this.outputShape = out;
    }

    /** Builds a named preset for samples of {@code sampleShape}; crops keep the input size. */
    public static Pipeline preset(String name, int[] sampleShape, Normalization normalization) {
        String n = name.toLowerCase(Locale.ROOT);
        boolean image = sampleShape.length == 3;
        if (n.equals("auto")) {
            n = !image ? "none" : sampleShape[0] == 1 ? "grayscale-default" : sampleShape[0] == 3 ? "rgb-default" : "none";
        }
        if (!n.equals("none") && !image) {
            throw new IllegalArgumentException("augmentation preset '" + name + "' needs images [C, H, W], but samples "
                    + "have shape " + Arrays.toString(sampleShape) + "; use 'none'");
        }
        List<Augmentation> steps = switch (n) {
            case "none" -> List.of();
            case "grayscale-default" -> List.of(
                    new RandomResizedCrop(0.85, 1.0, 3.0 / 4, 4.0 / 3, sampleShape[1], sampleShape[2]),
                    new HorizontalFlip(0.5), new GaussianNoise(0.01));
            case "grayscale-strong" -> List.of(new RandomTranslate(2),
                    new RandomResizedCrop(0.7, 1.0, 3.0 / 4, 4.0 / 3, sampleShape[1], sampleShape[2]),
                    new HorizontalFlip(0.5), new GaussianNoise(0.02));
            case "rgb-default" -> List.of(new RandomResizedCrop(0.2, 1.0, 3.0 / 4, 4.0 / 3, sampleShape[1], sampleShape[2]),
                    new HorizontalFlip(0.5), new ColorJitter(0.4, 0.4, 0.4, 0.1, 0.8), new RandomGrayscale(0.2));
            default -> throw new IllegalArgumentException("unknown augmentation preset '" + name + "' (known: "
                    + String.join(", ", PRESETS) + ")");
        };
        return new Pipeline(n, steps, normalization, sampleShape);
    }

    /** No augmentation, normalisation only. */
    public static Pipeline none(int[] sampleShape, Normalization normalization) {
        return new Pipeline("none", List.of(), normalization, sampleShape);
    }

    /**
     * Writes one normalised view of the sample at {@code src[srcOff..]} to {@code dst[dstOff..]}
     * ({@link #outputLength()} values).
     */
    public void apply(float[] src, int srcOff, float[] dst, int dstOff, SplittableRandom rng, ImageBuffer work) {
        if (steps.isEmpty()) {
            int plane = lengthOf(inputShape) / Normalization.channelsOf(inputShape);
            normalization.apply(src, srcOff, dst, dstOff, plane);
            return;
        }
        work.load(src, srcOff, inputShape[0], inputShape[1], inputShape[2]);
        for (Augmentation a : steps) {
            a.apply(work, rng);
        }
        normalization.apply(work.data(), 0, dst, dstOff, work.plane());
    }

    /** A working buffer large enough for this pipeline. */
    public ImageBuffer newBuffer() {
        return new ImageBuffer(Math.max(lengthOf(inputShape), lengthOf(outputShape)));
    }

    public String name() {
        return name;
    }

    public List<Augmentation> steps() {
        return steps;
    }

    public Normalization normalization() {
        return normalization;
    }

    public int[] inputShape() {
        return inputShape.clone();
    }

    public int[] outputShape() {
        return outputShape.clone();
    }

    public int outputLength() {
        return lengthOf(outputShape);
    }

    static int lengthOf(int[] shape) {
        int n = 1;
        for (int d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    @Override
    public String toString() {
        return "Pipeline[" + name + ", " + steps + ", " + normalization + "]";
    }
}
