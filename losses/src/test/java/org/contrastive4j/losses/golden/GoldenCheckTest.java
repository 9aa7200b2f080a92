package org.contrastive4j.losses.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.contrastive4j.losses.Golden;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

class GoldenCheckTest {

    @TestFactory
    Stream<DynamicTest> everyGoldenCasePassesInFloat64AndFloat32() throws IOException {
        List<GoldenCase> cases = GoldenFile.read(Golden.file()).cases();
        assertFalse(cases.isEmpty());
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.id(), () -> {
            GoldenCheck.CaseResult r = GoldenCheck.check(c);
            assertTrue(r.passed(), String.join("\n", r.failures()));
        }));
    }

    @Test
    void runPrintsSummaryAndCountsFailures(@TempDir Path dir) throws IOException {
        String json = Files.readString(Golden.file());
        // Corrupt one expected loss: exactly that case must fail, on one line naming both dtypes' loss checks.
        String tampered = json.replaceFirst("\"expected_loss\":\\s*([-0-9.eE]+)", "\"expected_loss\": 123.0");
        Path file = dir.resolve("tampered.json");
        Files.writeString(file, tampered);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int failed = GoldenCheck.run(file, new PrintStream(buf, true, StandardCharsets.UTF_8));
        String[] lines = buf.toString(StandardCharsets.UTF_8).trim().split("\n");
        int total = GoldenFile.read(file).cases().size();
        assertEquals(1, failed);
        assertEquals((total - 1) + " passed, 1 failed", lines[lines.length - 1]);
        assertEquals(2, lines.length, String.join("\n", lines));
        String first = GoldenFile.read(file).cases().get(0).id();
        assertTrue(lines[0].startsWith(first + ": float64 loss: max error"), lines[0]);
        assertTrue(lines[0].contains("; float32 loss: max error") && !lines[0].contains("grad"), lines[0]);
    }

    @Test
    void malformedFilesGiveIoExceptionsNamingTheProblem(@TempDir Path dir) throws IOException {
        Path notJson = dir.resolve("a.json");
        Files.writeString(notJson, "{ nope");
        assertTrue(assertThrows(IOException.class, () -> GoldenCheck.run(notJson, System.out)).getMessage()
                .contains("not valid JSON"));
        Path wrongFormat = dir.resolve("b.json");
        Files.writeString(wrongFormat, "{\"format\": \"x\", \"version\": 1, \"cases\": []}");
        assertTrue(assertThrows(IOException.class, () -> GoldenCheck.run(wrongFormat, System.out)).getMessage()
                .contains("contrastive-loss-golden"));
        Path missing = dir.resolve("c.json");
        Files.writeString(missing, "{\"format\": \"contrastive-loss-golden\", \"version\": 1, \"cases\": [{\"id\": "
                + "\"x/y\", \"loss\": \"nt_xent\", \"params\": {}, \"n_views\": 2, \"batch_size\": 1}]}");
        String msg = assertThrows(IOException.class, () -> GoldenCheck.run(missing, System.out)).getMessage();
        assertTrue(msg.contains("x/y") && msg.contains("embeddings"), msg);
    }
}
