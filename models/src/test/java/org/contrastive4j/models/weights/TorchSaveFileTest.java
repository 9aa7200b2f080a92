package org.contrastive4j.models.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** torch.save files written by Debian's PyTorch (scripts/resnet_parity.py fixtures), read without Python. */
class TorchSaveFileTest {

    @TempDir
    Path dir;

    private static Path fixture(String name) {
        return ResNetWeightsTest.fixture(name);
    }

    @Test
    void theStateDictInsideACheckpointDictIsFound() throws IOException {
        try (WeightFile f = WeightFile.open(fixture("checkpoint-dict.pth"))) {
            assertEquals("pytorch-zip (state dict under 'state_dict')", f.format());
            assertEquals(List.of("a", "b"), List.copyOf(f.tensors().keySet()));
            assertArrayEquals(new long[] {2, 3}, f.tensors().get("a").shape());
            // torch.arange(6.0).view(2, 3) and torch.tensor([1.5])
            assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5}, f.floats("a"));
            assertArrayEquals(new float[] {1.5f}, f.floats("b"));
        }
    }

    private static String refused(Path file) {
        IOException e = assertThrows(IOException.class, () -> {
            try (WeightFile f = WeightFile.open(file)) {
                f.tensors();
            }
        });
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        return e.getMessage();
    }

    @Test
    void aPickledModuleIsRefusedWithoutRunningIt() {
        String m = refused(fixture("module.pth"));
        assertTrue(m.contains(", not a state dict of tensors"), m);
    }

    @Test
    void nonContiguousTensorsAreRefused() {
        String m = refused(fixture("noncontiguous.pth"));
        assertTrue(m.contains("tensor 'x' is not contiguous (stride [1, 3] for size [3, 2])"), m);
    }

    @Test
    void truncatedAndForeignZipsAreClearErrors() throws IOException {
        Path legacy = fixture("resnet18-w1-imagenet-torchsave-legacy.pth");
        byte[] all = Files.readAllBytes(legacy);
        Path cut = dir.resolve("cut.pth");
        Files.write(cut, Arrays.copyOf(all, all.length - 100));
        String cutMessage = refused(cut);
        assertTrue(cutMessage.contains("runs past the end of the file (truncated?)"), cutMessage);

        Path foreign = dir.resolve("foreign.pth");
        try (OutputStream out = Files.newOutputStream(foreign); ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("readme.txt"));
            zip.write("hello".getBytes());
            zip.closeEntry();
        }
        assertTrue(refused(foreign).contains("no <name>/data.pkl entry"));

        Path zipCut = dir.resolve("zipcut.pth");
        byte[] z = Files.readAllBytes(fixture("checkpoint-dict.pth"));
        Files.write(zipCut, Arrays.copyOf(z, z.length / 2));
        assertTrue(refused(zipCut).contains("not a readable zip"));

        Path badPickle = dir.resolve("badpickle.pth");
        try (OutputStream out = Files.newOutputStream(badPickle); ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("archive/data.pkl"));
            zip.write(new byte[] {(byte) 0x80, 2, '}', 'q', 0}); // a dict, then the pickle ends without STOP
            zip.closeEntry();
        }
        assertTrue(refused(badPickle).contains("pickle ends before its STOP opcode"));
    }
}
