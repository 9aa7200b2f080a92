package org.contrastive4j.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.contrastive4j.core.contract.RunLayout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process killed between a checkpoint's temporary write and its rename (a forked JVM halted at exactly that point)
 * leaves the previous checkpoint intact and no partial epoch file; the orphaned temporary file is deleted when the run
 * is resumed.
 */
class CheckpointKillTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"epoch", "last"})
    void aKillBeforeTheRenameLosesNothingAndItsTemporaryIsCleanedOnResume(String which, @TempDir Path dir)
            throws Exception {
        Path run = Fixtures.formatV1Run(dir.resolve("run"));
        RunLayout layout = RunLayout.of(run);
        byte[] before = Files.readAllBytes(layout.lastCheckpoint());

        Process p = ForkedJvm.start(HaltBeforeRename.class, run.toString(), which);
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(137, p.exitValue(), output);
        assertTrue(output.contains("halting before the rename"), output);

        assertArrayEquals(before, Files.readAllBytes(layout.lastCheckpoint()), "last.ckpt is the previous one");
        assertFalse(Files.exists(layout.epochCheckpoint(1)), "no partial epoch-001.ckpt");
        List<Path> temporaries = temporaries(layout.checkpoints());
        assertEquals(1, temporaries.size(), temporaries.toString());
        String prefix = which.equals("epoch") ? ".epoch-001.ckpt." : ".last.ckpt.";
        assertTrue(temporaries.get(0).getFileName().toString().startsWith(prefix), temporaries.toString());
        if (which.equals("epoch")) {
            // the temporary was complete: only the rename was missing
            assertArrayEquals(before, Files.readAllBytes(temporaries.get(0)));
        }

        try (RunDirectory resumed = RunDirectory.claim(run, RunDirectory.Use.RESUME)) {
            assertEquals(1, resumed.staleTemporaries());
        }
        assertEquals(List.of(), temporaries(layout.checkpoints()));
        assertArrayEquals(before, Files.readAllBytes(layout.lastCheckpoint()));
    }

    private static List<Path> temporaries(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".tmp")).sorted().toList();
        }
    }
}
