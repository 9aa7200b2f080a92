package org.contrastive4j.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelCheckpointTest {

    @TempDir
    Path dir;

    @BeforeAll
    static void engine() {
        DjlRuntime.engine();
    }

    @Test
    void roundTripGivesIdenticalOutputsAndKeepsProvenanceAndExtras() throws IOException {
        ModelSpec spec = ModelSpec.smallCnn(1, 28, 28).withWidth(4).withNumClasses(3);
        Path file = dir.resolve("c.ckpt");
        float[][] before;
        float[] input;
        try (NDManager m = NDManager.newBaseManager()) {
            EncoderBlock block = Encoders.build(spec).initialize(m);
            NDArray x = m.randomNormal(block.inputShape(5));
            input = x.toFloatArray();
            // a training-mode forward moves the BN running statistics away from (0, 1)
            block.forward(new ParameterStore(m, false), new NDList(x.mul(3).add(1)), true);
            before = outputs(block, m, input);
            ModelCheckpoint.save(file, spec, block, Map.of("c4j.loss", "ntxent"), Map.of("optimizer.bin", new byte[] {1, 2, 3}));
        }
        try (NDManager m = NDManager.newBaseManager()) {
            ModelCheckpoint.Loaded loaded = ModelCheckpoint.load(file, m, Map.of("optimizer.bin", 100L, "absent.bin", 100L));
            assertEquals(spec, loaded.spec());
            assertEquals(2, loaded.formatVersion());
            assertEquals(Map.of("c4j.loss", "ntxent"), loaded.provenance());
            assertArrayEquals(new byte[] {1, 2, 3}, loaded.extras().get("optimizer.bin"));
            assertEquals(1, loaded.extras().size());
            // extras not asked for are not read
            assertEquals(0, ModelCheckpoint.load(file, m).extras().size());
            float[][] after = outputs(loaded.block(), m, input);
            assertEquals(3, after.length);
            for (int i = 0; i < after.length; i++) {
                assertArrayEquals(before[i], after[i], 0f, "output " + i);
            }
        }
        try (NDManager m = NDManager.newBaseManager()) {
            // a freshly initialised model differs, so the comparison above could fail
            EncoderBlock fresh = Encoders.build(spec).initialize(m);
            assertFalse(Arrays.equals(before[0], outputs(fresh, m, input)[0]));
        }
    }

    private static float[][] outputs(EncoderBlock block, NDManager m, float[] input) {
        try (NDManager sub = m.newSubManager()) {
            NDArray x = sub.create(input, block.inputShape(input.length / 784));
            NDList out = block.forward(new ParameterStore(sub, false), new NDList(x), false);
            float[][] r = new float[out.size()][];
            for (int i = 0; i < r.length; i++) {
                r[i] = out.get(i).toFloatArray();
            }
            return r;
        }
    }

    @Test
    void corruptOrIncompleteCheckpointsGiveAClearIOException() throws IOException {
        ModelSpec spec = ModelSpec.mlp(6, new int[] {5}, 4);
        Path good = dir.resolve("good.ckpt");
        try (NDManager m = NDManager.newBaseManager()) {
            ModelCheckpoint.save(good, spec, Encoders.build(spec).initialize(m), Map.of(), null);
        }
        byte[] bytes = Files.readAllBytes(good);

        Path truncated = dir.resolve("truncated.ckpt");
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 2));
        IOException e1 = assertThrows(IOException.class, () -> load(truncated));
        assertTrue(e1.getMessage().contains("truncated.ckpt") && e1.getMessage().contains("corrupt or truncated"), e1.getMessage());

        Path noSpec = dir.resolve("nospec.ckpt");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(noSpec))) {
            z.putNextEntry(new ZipEntry("model.params"));
            z.write(new byte[] {0});
        }
        IOException e2 = assertThrows(IOException.class, () -> load(noSpec));
        assertTrue(e2.getMessage().contains("no spec.json entry"), e2.getMessage());

        // params of another architecture do not fit this spec
        Path mismatch = dir.resolve("mismatch.ckpt");
        ModelSpec other = ModelSpec.mlp(6, new int[] {7}, 4);
        try (NDManager m = NDManager.newBaseManager()) {
            ModelCheckpoint.save(mismatch, other, Encoders.build(spec).initialize(m), Map.of(), null);
        }
        IOException e3 = assertThrows(IOException.class, () -> load(mismatch));
        assertTrue(e3.getMessage().contains("does not match"), e3.getMessage());

        Path badSpec = dir.resolve("badspec.ckpt");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(badSpec))) {
            z.putNextEntry(new ZipEntry("spec.json"));
            z.write("{\"family\":\"mlp\"}".getBytes(StandardCharsets.UTF_8));
        }
        IOException e4 = assertThrows(IOException.class, () -> load(badSpec));
        assertTrue(e4.getMessage().contains("bad spec.json"), e4.getMessage());
    }

    @Test
    void aFormatOneCheckpointWithoutAVersionEntryStillLoads() throws IOException {
        // committed fixture written before checkpoints carried format_version (see its README)
        Path v1 = Path.of("src/test/resources/fixtures/format-v1/last.ckpt");
        try (NDManager m = NDManager.newBaseManager()) {
            ModelCheckpoint.Loaded l = ModelCheckpoint.load(v1, m, Map.of("trainer_state.json", 1L << 16));
            assertEquals(1, l.formatVersion());
            assertEquals("small-cnn", l.spec().family());
            assertEquals(4, l.spec().width());
            assertEquals("supcon", l.provenance().get("c4j.loss"));
            assertEquals("3", l.provenance().get("c4j.global_step"));
            assertTrue(new String(l.extras().get("trainer_state.json"), StandardCharsets.UTF_8).contains("\"global_step\":3"));
            assertEquals(2, l.block().forward(new ParameterStore(m, false), new NDList(m.zeros(l.block().inputShape(2))),
                    false).size());
        }
    }

    private static void load(Path p) throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            ModelCheckpoint.load(p, m);
        }
    }
}
