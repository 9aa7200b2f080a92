package org.contrastive4j.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.contrastive4j.core.contract.RunLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run directory is never silently reused, and while a trainer owns it nobody else writes there. */
class RunDirectoryTest {

    @TempDir
    Path dir;

    @Test
    void aNewRunNeedsAnAbsentOrEmptyDirectory() throws IOException {
        try (RunDirectory d = RunDirectory.claim(dir.resolve("fresh"), RunDirectory.Use.NEW)) {
            assertTrue(Files.isRegularFile(d.layout().lock()));
        }
        // the lock file a finished run leaves does not make the directory "used"
        try (RunDirectory d = RunDirectory.claim(dir.resolve("fresh"), RunDirectory.Use.NEW)) {
            assertEquals(0, d.staleTemporaries());
        }
        Path used = dir.resolve("used");
        Files.createDirectories(used);
        Files.writeString(used.resolve("config.json"), "{}");
        IOException e = assertThrows(IOException.class, () -> RunDirectory.claim(used, RunDirectory.Use.NEW));
        assertTrue(e.getMessage().contains(used + " is not empty") && e.getMessage().contains("config.json")
                && e.getMessage().contains("--overwrite") && e.getMessage().contains("--resume"), e.getMessage());
        assertThrows(IOException.class, () -> RunDirectory.precheck(used, RunDirectory.Use.NEW));
        assertFalse(RunDirectory.isUnused(used));
        assertTrue(RunDirectory.isUnused(dir.resolve("absent")));
    }

    @Test
    void overwriteRemovesEveryFileARunWroteAndKeepsTheUsers() throws IOException {
        RunLayout run = RunLayout.of(dir.resolve("run"));
        Files.createDirectories(run.reportDir().resolve("img"));
        Files.createDirectories(run.checkpoints());
        List<Path> runFiles = List.of(run.config(), run.metrics(), run.summary(), run.model(), run.plot("loss.png"),
                run.plot("lr.png"), run.plot("eval_metrics.png"), run.plot("repulsion.png"), run.lastCheckpoint(),
                run.epochCheckpoint(1), run.epochCheckpoint(12), run.reportIndex(), run.reportDir().resolve("img/a.png"),
                run.checkpoints().resolve(".last.ckpt.123.tmp"), run.dir().resolve(".summary.json.456.tmp"));
        for (Path f : runFiles) {
            Files.writeString(f, "old");
        }
        Path notes = run.dir().resolve("notes.txt");
        Files.writeString(notes, "mine");
        try (RunDirectory d = RunDirectory.claim(run.dir(), RunDirectory.Use.OVERWRITE)) {
            for (Path f : runFiles) {
                assertFalse(Files.exists(f), f + " should be gone");
            }
            assertFalse(Files.exists(run.checkpoints()) || Files.exists(run.reportDir()));
            assertEquals("mine", Files.readString(notes));
            assertEquals(List.of(notes), d.kept());
        }
    }

    @Test
    void aSecondOwnerInThisJvmIsRefusedNamingTheFirst() throws IOException {
        Path run = dir.resolve("run");
        try (RunDirectory first = RunDirectory.claim(run, RunDirectory.Use.NEW)) {
            for (RunDirectory.Use use : RunDirectory.Use.values()) {
                IOException e = assertThrows(IOException.class, () -> RunDirectory.claim(run, use));
                assertTrue(e.getMessage().contains("in use by another trainer")
                        && e.getMessage().contains("\"pid\": " + ProcessHandle.current().pid()), e.getMessage());
            }
            // spelled differently, still the same directory
            assertThrows(IOException.class, () -> RunDirectory.claim(dir.resolve("x/../run"), RunDirectory.Use.OVERWRITE));
            assertTrue(first.layout().lock().toFile().exists());
        }
        try (RunDirectory again = RunDirectory.claim(run, RunDirectory.Use.OVERWRITE)) {
            assertTrue(Files.isDirectory(again.layout().dir()));
        }
    }

    @Test
    void aDirectoryHeldByAnotherProcessIsRefusedNamingItsPid() throws Exception {
        Path run = dir.resolve("run");
        Process other = ForkedJvm.start(HoldRunDirectory.class, run.toString());
        try {
            BufferedReader lines = new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8));
            String first = lines.readLine();
            assertTrue(first != null && first.startsWith("holding "), "the holder said: " + first);
            String pid = first.substring("holding ".length());
            IOException e = assertThrows(IOException.class, () -> RunDirectory.claim(run, RunDirectory.Use.OVERWRITE));
            assertTrue(e.getMessage().contains("in use by another trainer") && e.getMessage().contains("\"pid\": " + pid),
                    e.getMessage());
            assertThrows(IOException.class, () -> RunDirectory.precheck(run, RunDirectory.Use.OVERWRITE));
        } finally {
            other.getOutputStream().close();
            assertTrue(other.waitFor(60, TimeUnit.SECONDS));
        }
        // released with its owner
        try (RunDirectory d = RunDirectory.claim(run, RunDirectory.Use.OVERWRITE)) {
            assertTrue(Files.readString(d.layout().lock()).contains("\"pid\": " + ProcessHandle.current().pid()));
        }
    }

    @Test
    void resumingNeedsARunAndDeletesStaleTemporaries() throws IOException {
        Path run = Fixtures.formatV1Run(dir.resolve("run"));
        RunLayout layout = RunLayout.of(run);
        Path stale1 = Files.createTempFile(layout.checkpoints(), ".last.ckpt.", ".tmp");
        Path stale2 = Files.createTempFile(layout.checkpoints(), ".epoch-001.ckpt.", ".tmp");
        try (RunDirectory d = RunDirectory.claim(run, RunDirectory.Use.RESUME)) {
            assertEquals(2, d.staleTemporaries());
        }
        assertFalse(Files.exists(stale1) || Files.exists(stale2));
        assertTrue(Files.isRegularFile(layout.lastCheckpoint()));
        IOException e = assertThrows(IOException.class, () -> RunDirectory.claim(dir.resolve("nothing"), RunDirectory.Use.RESUME));
        assertTrue(e.getMessage().contains("not a resumable run directory"), e.getMessage());
    }
}
