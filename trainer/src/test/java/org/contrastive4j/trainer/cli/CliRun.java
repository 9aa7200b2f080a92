package org.contrastive4j.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.contrastive4j.core.cli.C4j;

/** Runs {@code c4j} in-process with its own streams, as the tests of every command do. */
public final class CliRun {

    /** Exit code and what was printed. */
    public record Outcome(int code, String out, String err) {}

    private CliRun() {}

    public static Outcome run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        int code = C4j.run(args, o, e);
        return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** A non-zero exit with exactly one line on stderr that contains {@code mustContain} and no exception name. */
    public static void assertOneLineError(Outcome o, String mustContain) {
        assertNotEquals(0, o.code(), "exit code; out:\n" + o.out());
        List<String> lines = o.err().lines().toList();
        assertEquals(1, lines.size(), "stderr must be one line, was:\n" + o.err());
        assertTrue(lines.get(0).contains(mustContain), lines.get(0));
        assertFalse(o.err().contains("Exception"), o.err());
    }
}
