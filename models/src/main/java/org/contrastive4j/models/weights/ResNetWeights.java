package org.contrastive4j.models.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.util.Pair;
import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.contrastive4j.models.EncoderBlock;
import org.contrastive4j.models.ModelSpec;
import org.contrastive4j.models.blocks.ResidualBlock;

/**
 * A torchvision / timm ResNet-18/34/50 state dict ({@code conv1.weight}, {@code bn1.*}, {@code layer1.0.conv1.weight},
 * {@code layerN.0.downsample.0/1.*}, {@code fc.*}) and its mapping onto our {@code resnet} encoders' backbone.
 *
 * <p>The architecture is read from the weights: the stem from {@code conv1.weight} (7x7 = torchvision's stride-2
 * conv + max-pool, {@code imagenet}; 3x3 = the stride-1 {@code cifar} stem without max-pool), the width and input
 * channels from its shape, the block type from {@code layer1.0.conv3} (bottleneck) and the depth from the number of
 * blocks per {@code layerN}. A common prefix ({@code module.} from DataParallel, {@code backbone.}, …) is found
 * from where {@code conv1.weight} and {@code layer1.0.conv1.weight} sit; tensors outside it are reported, not read.
 *
 * <p>Loading checks every name and shape before it changes anything: a missing key, an unexpected key or a shape
 * that differs (key, expected and actual shape) is an error. {@code fc.*} (the ImageNet classifier) and BatchNorm's
 * {@code num_batches_tracked} are ignored and reported. BatchNorm's {@code weight}, {@code bias},
 * {@code running_mean}, {@code running_var} become DJL's gamma, beta, runningMean, runningVar. Weights with three input
 * channels load into a one-channel model by summing {@code conv1.weight} over its input channels (timm's
 * {@code adapt_input_conv}), which is reported.
 */
public final class ResNetWeights implements AutoCloseable {

    /** torchvision's ImageNet normalisation of pixels in [0, 1], the input the published weights expect. */
    public static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
    public static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

    /** What a load did, for the log and provenance. */
    public record LoadReport(int tensors, long values, List<String> ignored, List<String> notes) {
        public LoadReport {
            ignored = List.copyOf(ignored);
            notes = List.copyOf(notes);
        }

        /** One line: {@code loaded 102 tensors (11,176,512 values); ignored fc.weight [1000, 512], ...}. */
        public String describe() {
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "loaded %d tensors (%,d values)", tensors, values));
            if (!ignored.isEmpty()) {
                sb.append("; ignored ").append(String.join(", ", ignored));
            }
            for (String n : notes) {
                sb.append("; ").append(n);
            }
            return sb.toString();
        }
    }

    private final WeightFile file;
    private final String prefix;
    private final String family;
    private final int width;
    private final String stem;
    private final int inputChannels;
    private final int[] blocks;
    private final boolean bottleneck;
    private final int outside;

    private ResNetWeights(WeightFile file, String prefix, String family, int width, String stem, int inputChannels,
            int[] blocks, boolean bottleneck, int outside) {
        this.file = file;
        this.prefix = prefix;
        this.family = family;
        this.width = width;
        this.stem = stem;
        this.inputChannels = inputChannels;
        this.blocks = blocks;
        this.bottleneck = bottleneck;
        this.outside = outside;
    }

    /** Opens {@code path} (safetensors or a {@code torch.save} file) and infers the architecture from its keys. */
    public static ResNetWeights open(Path path) throws IOException {
        WeightFile f = WeightFile.open(path);
        try {
            return of(f);
        } catch (IOException | RuntimeException e) {
            f.close();
            throw e;
        }
    }

    /** Infers the architecture of the state dict in {@code f}; the result owns {@code f}. */
    public static ResNetWeights of(WeightFile f) throws IOException {
        Path path = f.path();
        Map<String, TensorEntry> all = f.tensors();
        List<String> prefixes = new ArrayList<>();
        for (String k : all.keySet()) {
            if (k.endsWith("conv1.weight")) {
                String p = k.substring(0, k.length() - "conv1.weight".length());
                if (all.containsKey(p + "layer1.0.conv1.weight")) {
                    prefixes.add(p);
                }
            }
        }
        if (prefixes.isEmpty()) {
            throw new WeightsException(path, "no torchvision/timm ResNet state dict: expected keys conv1.weight and "
                    + "layer1.0.conv1.weight (the " + f.format() + " file holds " + all.size() + " tensors"
                    + (all.isEmpty() ? "" : ", e.g. " + String.join(", ", all.keySet().stream().limit(3).toList())) + ")");
        }
        if (prefixes.size() > 1) {
            throw new WeightsException(path, "holds several ResNets (key prefixes " + prefixes.stream()
                    .map(p -> "'" + p + "'").collect(Collectors.joining(", ")) + "); save the one to load on its own");
        }
        String p = prefixes.get(0);
        TensorEntry conv1 = all.get(p + "conv1.weight");
        long[] s = conv1.shape();
        if (s.length != 4 || s[2] != s[3] || (s[2] != 3 && s[2] != 7) || s[0] < 1 || s[0] > 1 << 16 || s[1] < 1) {
            throw new WeightsException(path, p + "conv1.weight has shape " + conv1.shapeText() + "; expected [width, channels, "
                    + "7, 7] (torchvision's ImageNet stem) or [width, channels, 3, 3] (a CIFAR stem)");
        }
        String stem = s[2] == 7 ? ModelSpec.STEM_IMAGENET : ModelSpec.STEM_CIFAR;
        boolean bottleneck = all.containsKey(p + "layer1.0.conv3.weight");
        int[] blocks = new int[4];
        for (int stage = 0; stage < 4; stage++) {
            String layer = p + "layer" + (stage + 1) + ".";
            int n = 0;
            while (hasPrefix(all, layer + n + ".")) {
                n++;
            }
            if (n == 0) {
                throw new WeightsException(path, "no blocks in " + layer.substring(0, layer.length() - 1) + " (no key starts with "
                        + layer + "0.): not a four-stage ResNet");
            }
            blocks[stage] = n;
        }
        String family = null;
        for (String candidate : List.of(ModelSpec.RESNET18, ModelSpec.RESNET34, ModelSpec.RESNET50)) {
            if (ModelSpec.bottleneck(candidate) == bottleneck && Arrays.equals(ModelSpec.resNetBlocks(candidate), blocks)) {
                family = candidate;
            }
        }
        if (family == null) {
            throw new WeightsException(path, "a ResNet with " + (bottleneck ? "bottleneck" : "basic") + " blocks "
                    + blockText(blocks) + " is not supported (resnet18: basic 2-2-2-2, resnet34: basic 3-4-6-3, "
                    + "resnet50: bottleneck 3-4-6-3)");
        }
        int outside = (int) all.keySet().stream().filter(k -> !k.startsWith(p)).count();
        return new ResNetWeights(f, p, family, (int) s[0], stem, (int) s[1], blocks, bottleneck, outside);
    }

    private static boolean hasPrefix(Map<String, TensorEntry> all, String prefix) {
        for (String k : all.keySet()) {
            if (k.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    private static String blockText(int[] blocks) {
        return Arrays.stream(blocks).mapToObj(Integer::toString).collect(Collectors.joining("-"));
    }

    public Path path() {
        return file.path();
    }

    /** The SHA-256 of the weight file, 64 lower-case hex digits (read in one streaming pass). */
    public String sha256() throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
        try (InputStream in = Files.newInputStream(path())) {
            byte[] buf = new byte[1 << 16];
            for (int n = in.read(buf); n > 0; n = in.read(buf)) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** {@code resnet18}, {@code resnet34} or {@code resnet50}. */
    public String family() {
        return family;
    }

    public int width() {
        return width;
    }

    /** {@code imagenet} or {@code cifar}. */
    public String stem() {
        return stem;
    }

    public int inputChannels() {
        return inputChannels;
    }

    /** The key prefix the ResNet sits under ({@code ""} for a plain state dict). */
    public String prefix() {
        return prefix;
    }

    /** E.g. {@code resnet50 (bottleneck blocks 3-4-6-3, width 64, imagenet stem, 3 input channels; safetensors)}. */
    public String describe() {
        return family + " (" + (bottleneck ? "bottleneck" : "basic") + " blocks " + blockText(blocks) + ", width " + width
                + ", " + stem + " stem, " + inputChannels + " input channel" + (inputChannels == 1 ? "" : "s") + "; "
                + file.format() + (prefix.isEmpty() ? "" : ", under '" + prefix + "'") + ")";
    }

    /**
     * The encoder spec these weights fill, for samples of {@code inputShape} [C, H, W]: family {@code model} (which must
     * be the weights' family), their width and stem, the family's default projection head. One-channel input takes
     * three-channel weights (see the class comment).
     */
    public ModelSpec spec(String model, int[] inputShape) throws WeightsException {
        if (!family.equals(model)) {
            throw new WeightsException(path(), "the weights are a " + describe() + ", not a " + model
                    + "; use the model family " + family);
        }
        if (inputShape.length != 3) {
            throw new WeightsException(path(), "ResNet weights need image input [channels, height, width], got "
                    + Arrays.toString(inputShape));
        }
        if (inputShape[0] != inputChannels && !(inputShape[0] == 1 && inputChannels == 3)) {
            throw new WeightsException(path(), "the weights take " + inputChannels + "-channel input, the data has "
                    + inputShape[0] + " channels");
        }
        return ModelSpec.resnet(family, inputShape[0], inputShape[1], inputShape[2], stem).withWidth(width);
    }

    /** The per-channel mean of the input the weights expect (ImageNet's; its average for one channel). */
    public static float[] inputMean(int channels) {
        return channels == 1 ? new float[] {average(IMAGENET_MEAN)} : IMAGENET_MEAN.clone();
    }

    public static float[] inputStd(int channels) {
        return channels == 1 ? new float[] {average(IMAGENET_STD)} : IMAGENET_STD.clone();
    }

    private static float average(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x;
        }
        return (float) (s / v.length);
    }

    /** One parameter to fill: the DJL parameter and the state-dict key it comes from. */
    private record Target(String key, Parameter parameter) {}

    /**
     * Copies the weights into {@code block}'s backbone (initialised, of the spec {@link #spec} gives), after checking
     * every key and shape; the projection head and classifier keep their initialisation.
     */
    public LoadReport load(EncoderBlock block) throws IOException {
        ModelSpec spec = block.spec();
        if (!spec.family().equals(family) || spec.width() != width || !spec.stem().equals(stem)) {
            throw new WeightsException(path(), "the weights are a " + describe() + "; the model is a " + spec.family()
                    + " of width " + spec.width() + " with a " + spec.stem() + " stem");
        }
        if (!block.isInitialized()) {
            throw new IllegalArgumentException("initialise the encoder before loading weights into it");
        }
        List<Target> targets = targets(block.backbone());
        Map<String, TensorEntry> all = file.tensors();
        List<String> problems = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        boolean adaptInput = false;
        Map<String, Target> byKey = new LinkedHashMap<>();
        for (Target t : targets) {
            byKey.put(t.key(), t);
            TensorEntry e = all.get(prefix + t.key());
            long[] expected = t.parameter().getArray().getShape().getShape();
            if (e == null) {
                problems.add("missing key " + prefix + t.key() + " (expected shape " + Arrays.toString(expected) + ")");
            } else if (!e.dtype().floating()) {
                problems.add(prefix + t.key() + " is " + e.dtype() + ", expected a floating-point tensor");
            } else if (!Arrays.equals(e.shape(), expected)) {
                long[] got = e.shape();
                boolean grayscale = t.key().equals("conv1.weight") && expected.length == 4 && got.length == 4
                        && expected[1] == 1 && got[1] == 3 && expected[0] == got[0] && expected[2] == got[2]
                        && expected[3] == got[3];
                if (grayscale) {
                    adaptInput = true;
                } else {
                    problems.add(prefix + t.key() + ": expected shape " + Arrays.toString(expected) + ", found "
                            + e.shapeText());
                }
            }
        }
        List<String> ignored = new ArrayList<>();
        int batchesTracked = 0;
        for (TensorEntry e : all.values()) {
            if (!e.name().startsWith(prefix)) {
                continue;
            }
            String key = e.name().substring(prefix.length());
            if (byKey.containsKey(key)) {
                continue;
            }
            String owner = key.endsWith(".num_batches_tracked") ? key.substring(0, key.length() - ".num_batches_tracked".length())
                    : null;
            if (owner != null && byKey.containsKey(owner + ".running_mean")) {
                batchesTracked++;
            } else if (key.equals("fc.weight") || key.equals("fc.bias")) {
                ignored.add(e.name() + " " + e.shapeText());
            } else {
                problems.add("unexpected key " + e.name() + " " + e.shapeText());
            }
        }
        if (!problems.isEmpty()) {
            int shown = Math.min(problems.size(), 6);
            throw new WeightsException(path(), "does not fit a " + family + " of width " + width + " with a " + stem + " stem: "
                    + String.join("; ", problems.subList(0, shown))
                    + (problems.size() > shown ? "; and " + (problems.size() - shown) + " more" : ""));
        }
        if (batchesTracked > 0) {
            ignored.add(batchesTracked + " num_batches_tracked");
        }
        if (outside > 0) {
            ignored.add(outside + " tensors outside '" + prefix + "'");
        }
        if (adaptInput) {
            notes.add(prefix + "conv1.weight summed over its 3 input channels for 1-channel input");
        }
        long values = 0;
        for (Target t : targets) {
            float[] v = file.floats(prefix + t.key());
            if (adaptInput && t.key().equals("conv1.weight")) {
                v = sumInputChannels(v, all.get(prefix + t.key()).shape());
            }
            NDArray a = t.parameter().getArray();
            a.set(FloatBuffer.wrap(v));
            values += v.length;
        }
        return new LoadReport(targets.size(), values, ignored, notes);
    }

    /** [out, 3, k, k] to [out, 1, k, k] by summing over the input channels. */
    private static float[] sumInputChannels(float[] w, long[] shape) {
        int out = (int) shape[0];
        int in = (int) shape[1];
        int k = (int) (shape[2] * shape[3]);
        float[] r = new float[out * k];
        for (int o = 0; o < out; o++) {
            for (int c = 0; c < in; c++) {
                for (int i = 0; i < k; i++) {
                    r[o * k + i] += w[(o * in + c) * k + i];
                }
            }
        }
        return r;
    }

    /**
     * The state-dict key of every backbone parameter, from the block tree {@code Encoders} builds: the stem's conv and
     * BN before the first residual block, then each residual block's convs and BNs in order, then its shortcut's.
     */
    private List<Target> targets(Block backbone) {
        List<Target> out = new ArrayList<>();
        List<Block> stemLayers = new ArrayList<>();
        List<ResidualBlock> residuals = new ArrayList<>();
        for (Pair<String, Block> child : backbone.getChildren()) {
            if (child.getValue() instanceof ResidualBlock r) {
                residuals.add(r);
            } else if (residuals.isEmpty()) {
                leaves(child.getValue(), stemLayers);
            }
        }
        named(out, stemLayers, "", false);
        int expectedBlocks = Arrays.stream(blocks).sum();
        if (residuals.size() != expectedBlocks) {
            throw new IllegalStateException("the " + family + " backbone has " + residuals.size() + " residual blocks, expected "
                    + expectedBlocks);
        }
        int r = 0;
        for (int stage = 0; stage < 4; stage++) {
            for (int b = 0; b < blocks[stage]; b++) {
                ResidualBlock block = residuals.get(r++);
                String key = "layer" + (stage + 1) + "." + b + ".";
                List<Block> main = new ArrayList<>();
                leaves(block.main(), main);
                named(out, main, key, false);
                List<Block> shortcut = new ArrayList<>();
                leaves(block.shortcut(), shortcut);
                named(out, shortcut, key + "downsample.", true);
            }
        }
        return out;
    }

    /** Names alternating conv / BN layers conv1, bn1, conv2, … (or downsample.0, downsample.1 for a shortcut). */
    private static void named(List<Target> out, List<Block> layers, String prefix, boolean sequentialIndex) {
        int conv = 0;
        int bn = 0;
        for (int i = 0; i < layers.size(); i++) {
            Block layer = layers.get(i);
            if (layer instanceof Conv2d) {
                conv++;
                String name = sequentialIndex ? prefix + i : prefix + "conv" + conv;
                out.add(new Target(name + ".weight", param(layer, "weight")));
            } else {
                bn++;
                String name = sequentialIndex ? prefix + i : prefix + "bn" + bn;
                out.add(new Target(name + ".weight", param(layer, "gamma")));
                out.add(new Target(name + ".bias", param(layer, "beta")));
                out.add(new Target(name + ".running_mean", param(layer, "runningMean")));
                out.add(new Target(name + ".running_var", param(layer, "runningVar")));
            }
        }
    }

    private static Parameter param(Block b, String name) {
        Parameter p = b.getDirectParameters().get(name);
        if (p == null || p.getArray() == null) {
            throw new IllegalStateException(b.getClass().getSimpleName() + " has no initialised parameter " + name);
        }
        return p;
    }

    /** The Conv2d and BatchNorm layers under {@code b}, depth first, in forward order. */
    private static void leaves(Block b, List<Block> out) {
        if (b instanceof Conv2d || b instanceof BatchNorm) {
            out.add(b);
            return;
        }
        for (Pair<String, Block> c : b.getChildren()) {
            leaves(c.getValue(), out);
        }
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
