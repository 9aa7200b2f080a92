package org.contrastive4j.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.contrastive4j.core.cli.C4j;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input on the command line: one line on stderr, a non-zero exit, and no stack trace unless --verbose. */
class CliErrorPathTest {

    static CliRun.Outcome run(String... args) {
        return CliRun.run(args);
    }

    static void assertOneLineError(CliRun.Outcome o, String mustContain) {
        CliRun.assertOneLineError(o, mustContain);
    }

    @Test
    void unknownCommandListsTheCommands() {
        CliRun.Outcome o = run("trian");
        assertOneLineError(o, "unknown command 'trian'");
        assertTrue(o.err().contains("train"), o.err());
    }

    @Test
    void missingDataFileIsOneLine(@TempDir Path dir) {
        CliRun.Outcome o = run("train", "--data", dir.resolve("nope").toString(), "--out", dir.resolve("run").toString());
        assertOneLineError(o, "nope");
        assertFalse(Files.exists(dir.resolve("run/checkpoints")), "nothing should be written for bad input");
    }

    @Test
    void unknownLossListsValidNames(@TempDir Path dir) {
        CliRun.Outcome o = run("train", "--loss", "triplet", "--out", dir.toString());
        assertOneLineError(o, "triplet");
        assertTrue(o.err().contains("sincere"), o.err());
    }

    @Test
    void unknownOptionAndBadNumber(@TempDir Path dir) {
        assertOneLineError(run("train", "--epoks", "3"), "epoks");
        assertOneLineError(run("train", "--epochs", "three", "--out", dir.toString()), "three");
    }

    @Test
    void verboseAddsTheStackTrace(@TempDir Path dir) {
        CliRun.Outcome o = run("train", "--data", dir.resolve("nope").toString(), "--verbose");
        assertNotEquals(0, o.code());
        assertTrue(o.err().lines().count() > 1, o.err());
        assertTrue(o.err().contains("\tat "), o.err());
    }

    @Test
    void helpListsEveryCommandAndExitsZero() {
        CliRun.Outcome o = run("--help");
        assertEquals(0, o.code());
        // The documented command surface (README): every command of the toolkit, whichever module provides it.
        for (String name : List.of("demo", "train", "export", "report", "compare", "embed", "index", "classify", "evaluate",
                "serve", "golden", "bench")) {
            assertTrue(o.out().lines().anyMatch(l -> l.startsWith("  " + name + " ")), name + " missing from:\n" + o.out());
        }
        CliRun.Outcome t = run("train", "--help");
        assertEquals(0, t.code());
        assertTrue(t.out().contains("--batch-size") && t.out().contains("256"), t.out());
        assertTrue(t.out().contains("--temperature") && t.out().contains("--tau-min"), "loss flags: " + t.out());
    }

    @Test
    void versionPrintsTheToolkitDjlPytorchAndOnnxRuntime() {
        CliRun.Outcome o = run("--version");
        assertEquals(0, o.code(), o.err());
        List<String> lines = o.out().lines().toList();
        for (String component : List.of("contrastive4j 0.", "djl 0.35.1", "pytorch 2.7.1", "onnxruntime 1.29.0")) {
            assertTrue(lines.stream().anyMatch(l -> l.startsWith(component)), component + " missing from:\n" + o.out());
        }
    }

    /** The real process: exit status and stderr as a user sees them. */
    @Test
    void processExitsNonZeroWithOneLine() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "-Dai.djl.offline=true",
                C4j.class.getName(), "no-such-command").redirectErrorStream(false).start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(2, p.waitFor());
        assertEquals(1, err.lines().filter(l -> !l.startsWith("SLF4J")).count(), err);
        assertTrue(err.contains("unknown command 'no-such-command'"), err);
    }
}
