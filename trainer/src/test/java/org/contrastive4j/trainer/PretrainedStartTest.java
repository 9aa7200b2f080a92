package org.contrastive4j.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.contrastive4j.models.blocks.ResidualBlock;
import org.contrastive4j.models.weights.WeightFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --init-weights} with {@code --freeze-backbone-epochs}: the committed reduced-width torchvision ResNet-18
 * (three-channel weights, loaded into a one-channel Fashion-MNIST model) stays exactly as loaded — weights and
 * BatchNorm statistics — through the frozen epoch while the heads train, and trains after it.
 */
class PretrainedStartTest {

    /** The models module's committed fixture, relative to this module's directory (surefire's working directory). */
    static final Path WEIGHTS = Path.of("../models/src/test/resources/weights/resnet18-w8-imagenet-f16.safetensors");

    @TempDir
    Path dir;

    private TrainConfig config(Map<String, Object> changes) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("data", "fashion-mnist-subset");
        c.put("max_train_samples", 32);
        c.put("max_test_samples", 32);
        c.put("batch_size", 8);
        c.put("samples_per_class", 2);
        c.put("epochs", 2);
        c.put("eval_every", 0);
        c.put("export", false);
        c.put("report", false);
        c.put("model", "resnet18");
        c.put("init_weights", WEIGHTS.toString());
        c.put("freeze_backbone_epochs", 1);
        c.put("loader_threads", 1);
        c.put("out", dir.resolve("run").toString());
        c.putAll(changes);
        return TrainOptions.DEFAULTS.with(c);
    }

    private static Map<String, float[]> params(Block b) {
        Map<String, float[]> m = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : b.getParameters()) {
            m.put(p.getKey(), p.getValue().getArray().toFloatArray());
        }
        return m;
    }

    @Test
    void theFrozenBackboneKeepsItsWeightsAndStatisticsWhileTheHeadTrains() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Map<String, float[]> atThaw = new LinkedHashMap<>();
        Map<String, float[]> headAtThaw = new LinkedHashMap<>();
        try (TrainingSession s = TrainingSession.start(config(Map.of()), new PrintStream(log, true, StandardCharsets.UTF_8))) {
            assertArrayEquals(new float[] {0.449f}, s.data().normalization().mean(), 1e-6f);
            Map<String, float[]> loaded = params(s.block().backbone());
            Map<String, float[]> head0 = params(s.block().projectionHead());
            // the first residual block's first conv is torchvision's layer1.0.conv1.weight
            Block firstBlock = s.block().backbone().getChildren().stream().map(Pair::getValue)
                    .filter(b -> b instanceof ResidualBlock).findFirst().orElseThrow();
            float[] conv = firstBlock.getChildren().get(0).getValue().getChildren().get(0).getValue().getDirectParameters()
                    .get("weight").getArray().toFloatArray();
            try (WeightFile f = WeightFile.open(WEIGHTS)) {
                assertArrayEquals(f.floats("layer1.0.conv1.weight"), conv);
            }
            long spe = s.totalSteps() / 2;
            s.setListener(step -> {
                if (step == spe) {
                    atThaw.putAll(params(s.block().backbone()));
                    headAtThaw.putAll(params(s.block().projectionHead()));
                }
            });
            s.run();
            for (Map.Entry<String, float[]> e : loaded.entrySet()) {
                assertArrayEquals(e.getValue(), atThaw.get(e.getKey()), "frozen backbone parameter " + e.getKey() + " changed");
            }
            for (Map.Entry<String, float[]> e : head0.entrySet()) {
                assertFalse(Arrays.equals(e.getValue(), headAtThaw.get(e.getKey())), "head parameter " + e.getKey()
                        + " did not train while the backbone was frozen");
            }
            Map<String, float[]> end = params(s.block().backbone());
            long changedWeights = loaded.keySet().stream().filter(k -> !k.contains("running"))
                    .filter(k -> !Arrays.equals(loaded.get(k), end.get(k))).count();
            long changedStats = loaded.keySet().stream().filter(k -> k.contains("running"))
                    .filter(k -> !Arrays.equals(loaded.get(k), end.get(k))).count();
            assertEquals(loaded.keySet().stream().filter(k -> !k.contains("running")).count(), changedWeights,
                    "every backbone weight trains after the thaw");
            assertTrue(changedStats > 0, "BatchNorm statistics update after the thaw");
        }
        String printed = log.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("init weights " + WEIGHTS + ": resnet18 (basic blocks 2-2-2-2, width 8, imagenet stem, "
                + "3 input channels; safetensors); loaded 100 tensors"), printed);
        assertTrue(printed.contains("conv1.weight summed over its 3 input channels for 1-channel input"), printed);
        assertTrue(printed.contains("stem and width come from the weights"), printed);
        assertTrue(printed.contains("backbone frozen for the first 1 epoch (steps 1-4)"), printed);
        assertTrue(printed.contains("backbone unfrozen from step 5"), printed);
    }

    @Test
    void gradCacheShardsLeaveTheFrozenBackboneBitForBitAsLoaded() throws Exception {
        // 12 rows in five shards (3, 3, 2, 2, 2): weights of 1/6 would round a weighted sum of unchanged statistics
        TrainConfig c = config(Map.of("epochs", 1, "grad_cache_chunks", 5, "batch_size", 6, "max_train_samples", 12));
        try (TrainingSession s = TrainingSession.start(c, ResumeTest.QUIET)) {
            Map<String, float[]> loaded = params(s.block().backbone());
            s.run();
            Map<String, float[]> end = params(s.block().backbone());
            for (Map.Entry<String, float[]> e : loaded.entrySet()) {
                assertArrayEquals(e.getValue(), end.get(e.getKey()), "frozen backbone parameter " + e.getKey() + " changed");
            }
        }
    }

    @Test
    void weightsThatDoNotFitTheConfigurationAreRefused() {
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> TrainingSession.start(config(Map.of("model", "resnet50")), ResumeTest.QUIET)).getMessage()
                .contains("the weights are a resnet18 (basic blocks 2-2-2-2, width 8"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> TrainingSession.start(config(Map.of("model", "small-cnn")), ResumeTest.QUIET)).getMessage()
                .contains("--init-weights loads ResNet weights; --model is small-cnn"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> TrainingSession.start(config(Map.of("width", 16)), ResumeTest.QUIET)).getMessage()
                .contains("--width 16 differs from the weights' width 8"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> config(Map.of("freeze_backbone_epochs", -1))).getMessage()
                .contains("--freeze-backbone-epochs must be >= 0"));
    }
}
