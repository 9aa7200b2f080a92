package org.contrastive4j.models.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Consumer;
import org.contrastive4j.models.DjlRuntime;
import org.contrastive4j.models.EncoderBlock;
import org.contrastive4j.models.Encoders;
import org.contrastive4j.models.ModelSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed fixtures (models/src/test/resources/weights, written by scripts/resnet_parity.py fixtures): reduced
 * width torchvision ResNets, their weights and torchvision's pooled features for a fixed input. Our encoder built from
 * those weights must give torchvision's features.
 */
class ResNetWeightsTest {

    /** max |ours - torch| / max(1, max |torch|), the exporter's measure. */
    static final double TOLERANCE = 1e-5;

    @TempDir
    Path dir;

    @BeforeAll
    static void engine() {
        DjlRuntime.engine();
    }

    static Path fixture(String name) {
        try {
            return Path.of(ResNetWeightsTest.class.getResource("/weights/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Loads {@code weights} into a fresh encoder and returns max |ours - torch| / max(1, max |torch|). */
    private static double parity(Path weights, String expectedName, String family) throws IOException {
        try (WeightFile expected = WeightFile.open(fixture(expectedName));
             ResNetWeights w = ResNetWeights.open(weights);
             NDManager m = NDManager.newBaseManager()) {
            long[] in = expected.tensors().get("input").shape();
            int[] sample = {(int) in[1], (int) in[2], (int) in[3]};
            EncoderBlock block = Encoders.build(w.spec(family, sample)).initialize(m);
            w.load(block);
            NDArray x = m.create(expected.floats("input"), new Shape(in));
            float[] ours = block.forward(new ParameterStore(m, false), new NDList(x), false).get(EncoderBlock.EMBEDDING)
                    .toFloatArray();
            float[] torch = expected.floats("embedding");
            assertEquals(torch.length, ours.length);
            double diff = 0;
            double peak = 0;
            for (int i = 0; i < ours.length; i++) {
                diff = Math.max(diff, Math.abs((double) ours[i] - torch[i]));
                peak = Math.max(peak, Math.abs(torch[i]));
            }
            System.out.printf(Locale.ROOT, "%s: max |ours - torch| %.3g, max |torch| %.4g%n", weights.getFileName(), diff, peak);
            return diff / Math.max(1, peak);
        }
    }

    @Test
    void resnet18HalfPrecisionMatchesTorchvision() throws IOException {
        Path w = fixture("resnet18-w8-imagenet-f16.safetensors");
        try (ResNetWeights r = ResNetWeights.open(w)) {
            assertEquals("resnet18", r.family());
            assertEquals(8, r.width());
            assertEquals("imagenet", r.stem());
            assertEquals(3, r.inputChannels());
        }
        assertTrue(parity(w, "resnet18-w8-imagenet-f16.expected.safetensors", "resnet18") <= TOLERANCE);
    }

    @Test
    void resnet50BottleneckBfloat16WithCifarStemMatchesTorchvision() throws IOException {
        Path w = fixture("resnet50-w4-cifar-bf16.safetensors");
        try (ResNetWeights r = ResNetWeights.open(w)) {
            assertEquals("resnet50", r.family());
            assertEquals(4, r.width());
            assertEquals("cifar", r.stem());
        }
        assertTrue(parity(w, "resnet50-w4-cifar-bf16.expected.safetensors", "resnet50") <= TOLERANCE);
    }

    @Test
    void resnet34Float32MatchesTorchvision() throws IOException {
        Path w = fixture("resnet34-w2-imagenet-f32.safetensors");
        try (ResNetWeights r = ResNetWeights.open(w)) {
            assertEquals("resnet34", r.family());
        }
        assertTrue(parity(w, "resnet34-w2-imagenet-f32.expected.safetensors", "resnet34") <= TOLERANCE);
    }

    @Test
    void torchSaveZipAndLegacyFilesMatchTorchvision() throws IOException {
        for (String name : new String[] {"resnet18-w1-imagenet-torchsave.pth", "resnet18-w1-imagenet-torchsave-legacy.pth"}) {
            Path w = fixture(name);
            try (WeightFile f = WeightFile.open(w)) {
                assertEquals(name.contains("legacy") ? "pytorch-legacy" : "pytorch-zip", f.format());
                assertEquals(DType.I64, f.tensors().get("bn1.num_batches_tracked").dtype());
                assertArrayEquals(new long[] {1, 3, 7, 7}, f.tensors().get("conv1.weight").shape());
            }
            assertTrue(parity(w, "resnet18-w1-imagenet-torchsave.expected.safetensors", "resnet18") <= TOLERANCE, name);
        }
    }

    @Test
    void loadReportNamesWhatWasIgnored() throws IOException {
        try (ResNetWeights w = ResNetWeights.open(fixture("resnet18-w8-imagenet-f16.safetensors"));
             NDManager m = NDManager.newBaseManager()) {
            EncoderBlock block = Encoders.build(w.spec("resnet18", new int[] {3, 24, 24})).initialize(m);
            ResNetWeights.LoadReport r = w.load(block);
            // torchvision resnet18: conv1 + 16 block convs + 3 downsample convs = 20 convs, 20 BNs x 4 tensors
            assertEquals(20 + 20 * 4, r.tensors());
            assertTrue(r.ignored().contains("fc.weight [10, 64]"), r.ignored().toString());
            assertTrue(r.ignored().contains("fc.bias [10]"), r.ignored().toString());
            assertTrue(r.ignored().contains("20 num_batches_tracked"), r.ignored().toString());
        }
    }

    /** Rewrites the resnet18 fixture as F32 with {@code change} applied, and returns the load error. */
    private String loadError(Consumer<SafeTensorsWriter> change, String family, int[] shape)
            throws IOException {
        Path out = dir.resolve("changed.safetensors");
        try (WeightFile f = WeightFile.open(fixture("resnet18-w8-imagenet-f16.safetensors"))) {
            SafeTensorsWriter w = SafeTensorsWriter.copyOf(f);
            change.accept(w);
            w.write(out);
        }
        IOException e = assertThrows(IOException.class, () -> {
            try (ResNetWeights w = ResNetWeights.open(out); NDManager m = NDManager.newBaseManager()) {
                EncoderBlock block = Encoders.build(w.spec(family, shape)).initialize(m);
                w.load(block);
            }
        });
        assertTrue(e.getMessage().startsWith(out + ": "), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        return e.getMessage();
    }

    private String loadError(Consumer<SafeTensorsWriter> change) throws IOException {
        return loadError(change, "resnet18", new int[] {3, 24, 24});
    }

    private static void contains(String message, String words) {
        assertTrue(message.contains(words), "expected '" + words + "' in: " + message);
    }

    @Test
    void everyMappingMismatchIsAClearError() throws IOException {
        contains(loadError(w -> w.tensors().remove("layer4.1.bn2.running_var")),
                "missing key layer4.1.bn2.running_var (expected shape [64])");
        contains(loadError(w -> w.putF32("layer2.0.extra.weight", new long[] {2}, 1f, 2f)),
                "unexpected key layer2.0.extra.weight [2]");
        contains(loadError(w -> w.putF32("layer3.1.conv2.weight", new long[] {32, 32, 1, 1}, new float[32 * 32])),
                "layer3.1.conv2.weight: expected shape [32, 32, 3, 3], found [32, 32, 1, 1]");
        contains(loadError(w -> w.put("bn1.weight", new SafeTensorsWriter.Raw("I64", new long[] {8}, new byte[64]))),
                "bn1.weight is I64, expected a floating-point tensor");
        // several problems: all counted, the first ones shown
        String many = loadError(w -> {
            w.tensors().remove("layer2.1.conv1.weight");
            w.tensors().remove("layer2.1.bn1.weight");
            w.tensors().remove("layer2.1.bn1.bias");
            w.tensors().remove("layer2.1.bn1.running_mean");
            w.tensors().remove("layer2.1.bn1.running_var");
            w.tensors().remove("layer2.1.conv2.weight");
            w.tensors().remove("layer2.1.bn2.weight");
        });
        contains(many, "missing key layer2.1.conv1.weight");
        contains(many, "and 1 more");
    }

    @Test
    void architectureMismatchesAreClearErrors() throws IOException {
        contains(loadError(w -> { }, "resnet50", new int[] {3, 24, 24}),
                "the weights are a resnet18 (basic blocks 2-2-2-2, width 8, imagenet stem, 3 input channels; safetensors), "
                        + "not a resnet50; use the model family resnet18");
        contains(loadError(w -> { }, "resnet18", new int[] {2, 24, 24}), "take 3-channel input, the data has 2 channels");
        contains(loadError(w -> w.tensors().keySet().removeIf(k -> k.startsWith("layer4.1."))),
                "a ResNet with basic blocks 2-2-2-1 is not supported");
        contains(loadError(w -> w.tensors().keySet().removeIf(k -> k.startsWith("layer3."))), "no blocks in layer3");
        contains(loadError(w -> w.putF32("conv1.weight", new long[] {8, 3, 5, 5}, new float[8 * 3 * 25])),
                "conv1.weight has shape [8, 3, 5, 5]");
        contains(loadError(w -> w.tensors().remove("conv1.weight")), "no torchvision/timm ResNet state dict");
    }

    @Test
    void aCommonPrefixIsFoundAndTensorsOutsideItAreReported() throws IOException {
        Path out = dir.resolve("prefixed.safetensors");
        try (WeightFile f = WeightFile.open(fixture("resnet18-w8-imagenet-f16.safetensors"))) {
            SafeTensorsWriter src = SafeTensorsWriter.copyOf(f);
            SafeTensorsWriter w = new SafeTensorsWriter();
            src.tensors().forEach((k, v) -> w.put("module.encoder." + k, v));
            w.putF32("module.queue", new long[] {2}, 1f, 2f);
            w.write(out);
        }
        try (ResNetWeights w = ResNetWeights.open(out); NDManager m = NDManager.newBaseManager()) {
            assertEquals("module.encoder.", w.prefix());
            EncoderBlock block = Encoders.build(w.spec("resnet18", new int[] {3, 24, 24})).initialize(m);
            ResNetWeights.LoadReport r = w.load(block);
            assertTrue(r.ignored().contains("1 tensors outside 'module.encoder.'"), r.ignored().toString());
        }
        Path two = dir.resolve("two.safetensors");
        try (WeightFile f = WeightFile.open(fixture("resnet18-w8-imagenet-f16.safetensors"))) {
            SafeTensorsWriter src = SafeTensorsWriter.copyOf(f);
            SafeTensorsWriter w = new SafeTensorsWriter();
            src.tensors().forEach((k, v) -> {
                w.put("encoder_q." + k, v);
                w.put("encoder_k." + k, v);
            });
            w.write(two);
        }
        IOException e = assertThrows(IOException.class, () -> ResNetWeights.open(two));
        contains(e.getMessage(), "holds several ResNets (key prefixes 'encoder_q.', 'encoder_k.')");
    }

    @Test
    void threeChannelWeightsLoadIntoAGrayscaleModelBySummingConv1() throws IOException {
        Path w = fixture("resnet18-w8-imagenet-f16.safetensors");
        try (ResNetWeights r = ResNetWeights.open(w); WeightFile f = WeightFile.open(w);
             NDManager m = NDManager.newBaseManager()) {
            ModelSpec spec = r.spec("resnet18", new int[] {1, 24, 24});
            assertArrayEquals(new int[] {1, 24, 24}, spec.inputShape());
            EncoderBlock block = Encoders.build(spec).initialize(m);
            ResNetWeights.LoadReport report = r.load(block);
            contains(String.join(";", report.notes()), "conv1.weight summed over its 3 input channels");
            float[] rgb = f.floats("conv1.weight");
            float[] gray = block.backbone().getChildren().get(0).getValue().getDirectParameters().get("weight").getArray()
                    .toFloatArray();
            assertEquals(8 * 49, gray.length);
            // output channel 5, kernel position 17: the sum of the three input channels' weights
            float expected = rgb[(5 * 3) * 49 + 17] + rgb[(5 * 3 + 1) * 49 + 17] + rgb[(5 * 3 + 2) * 49 + 17];
            assertEquals(expected, gray[5 * 49 + 17], 1e-6f);
        }
        assertEquals(Arrays.toString(new float[] {0.449f}), Arrays.toString(ResNetWeights.inputMean(1)));
    }
}
