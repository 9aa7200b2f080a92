package org.contrastive4j.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.contrastive4j.core.cli.C4j;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GoldenCommandTest {

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            int code = C4j.run(args, o, e);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void goldenFilePassesAndATamperedOneFails(@TempDir Path dir) throws IOException {
        String given = System.getProperty("c4j.golden");
        Path golden = given != null ? Path.of(given)
                : Path.of(System.getProperty("c4j.home", ".")).resolve("../shared/golden/losses.json").normalize();
        // Fails rather than skips: CI must never pass without checking the reference values.
        assertTrue(Files.isRegularFile(golden), "golden file not found at " + golden + " (put the shared golden/ folder "
                + "next to the repository, or pass -Dc4j.golden=FILE)");
        Run ok = run("golden", golden.toString());
        assertEquals(0, ok.code(), ok.err());
        assertTrue(ok.out().trim().matches("(?s)(\\d+) passed, 0 failed"), ok.out());

        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, Files.readString(golden).replaceFirst("\"expected_loss\":\\s*[-0-9.eE]+",
                "\"expected_loss\": 42.0"));
        Run failed = run("golden", bad.toString());
        assertEquals(1, failed.code());
        assertTrue(failed.out().trim().endsWith("passed, 1 failed"), failed.out());
    }

    @Test
    void aFileWithoutCasesOrWithANegativeToleranceIsRefused(@TempDir Path dir) throws IOException {
        String given = System.getProperty("c4j.golden");
        Path golden = given != null ? Path.of(given)
                : Path.of(System.getProperty("c4j.home", ".")).resolve("../shared/golden/losses.json").normalize();
        JsonObject root = JsonParser.parseString(Files.readString(golden)).getAsJsonObject();

        JsonObject empty = root.deepCopy();
        empty.add("cases", new JsonArray());
        Path none = dir.resolve("none.json");
        Files.writeString(none, empty.toString());
        Run r = run("golden", none.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("none.json: the golden file has no cases"), r.err());
        assertFalse(r.out().contains("0 passed, 0 failed"), r.out());

        JsonObject negative = root.deepCopy();
        negative.getAsJsonArray("cases").get(0).getAsJsonObject().getAsJsonObject("tolerance")
                .getAsJsonObject("float32").addProperty("grad_atol", -1e-6);
        Path neg = dir.resolve("negative.json");
        Files.writeString(neg, negative.toString());
        Run n = run("golden", neg.toString());
        assertEquals(1, n.code());
        assertTrue(n.err().contains("negative.json: cases[0]") && n.err().contains(
                ".tolerance.float32.grad_atol must be a finite number >= 0, got -1.0E-6"), n.err());
    }

    @Test
    void usageErrorsAreOneLine(@TempDir Path dir) throws IOException {
        Run none = run("golden");
        assertEquals(2, none.code());
        assertTrue(none.err().contains("exactly one golden file"), none.err());
        Run missing = run("golden", dir.resolve("nope.json").toString());
        assertTrue(missing.code() != 0 && missing.err().contains("no such file"), missing.err());
        Path junk = dir.resolve("junk.json");
        Files.writeString(junk, "[1, 2]");
        Run malformed = run("golden", junk.toString());
        assertEquals(1, malformed.code());
        assertTrue(malformed.err().contains("golden file must be a JSON object"), malformed.err());
        assertEquals(1, malformed.err().trim().split("\n").length, malformed.err());
    }
}
