package org.contrastive4j.core.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @Test
    void aFailedWriteLeavesTheOldFileAndNoTemporary(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("a.txt");
        AtomicFiles.writeString(target, "old");
        assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> {
            out.write('n');
            throw new IOException("disk full");
        }));
        assertEquals("old", Files.readString(target));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(target), files.toList());
        }
    }

    @Test
    void staleTemporariesOfKilledWritesAreDeletedAndNothingElse(@TempDir Path dir) throws IOException {
        // what a kill between the temporary write and the rename leaves: the same names writePath gives them
        Path stale1 = Files.createTempFile(dir, ".last.ckpt.", ".tmp");
        Path stale2 = Files.createTempFile(dir, ".epoch-003.ckpt.", ".tmp");
        List<Path> keep = List.of(dir.resolve("last.ckpt"), dir.resolve("notes.tmp"), dir.resolve(".hidden"),
                dir.resolve("x.123.tmp"), dir.resolve(".x.abc.tmp"));
        for (Path k : keep) {
            Files.writeString(k, "keep");
        }
        Files.createDirectory(dir.resolve(".dir.1.tmp"));
        assertEquals(2, AtomicFiles.deleteStaleTemporaries(dir));
        assertFalse(Files.exists(stale1) || Files.exists(stale2));
        for (Path k : keep) {
            assertTrue(Files.exists(k), k + " must stay");
        }
        assertTrue(Files.isDirectory(dir.resolve(".dir.1.tmp")));
        assertEquals(0, AtomicFiles.deleteStaleTemporaries(dir.resolve("missing")));
    }

    @Test
    void anOutputThatIsAnInputIsRefusedHoweverItIsSpelled(@TempDir Path dir) throws IOException {
        Path in = dir.resolve("c.ckpt");
        Files.writeString(in, "checkpoint");
        Files.createDirectory(dir.resolve("sub"));
        Path link = dir.resolve("link.ckpt");
        Files.createSymbolicLink(link, in);
        for (Path out : List.of(in, dir.resolve("sub/../c.ckpt"), link, dir.resolve(".").resolve("c.ckpt"),
                dir.resolve("not-yet/../c.ckpt"))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> AtomicFiles.requireNotAnInput(out, "--out", dir.resolve("other"), in));
            assertTrue(e.getMessage().contains("--out " + out) && e.getMessage().contains("is the input"), e.getMessage());
        }
        AtomicFiles.requireNotAnInput(dir.resolve("c.onnx"), "--out", in);
        AtomicFiles.requireNotAnInput(dir.resolve("new/c.ckpt"), "--out", in);
        assertEquals("checkpoint", Files.readString(in));
    }
}
