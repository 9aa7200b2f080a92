package org.contrastive4j.inference.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.contrastive4j.core.cli.C4j;
import org.junit.jupiter.api.Test;

/**
 * {@code --version} on the deployment jar's class path (core + inference, no DJL): the toolkit and ONNX Runtime, and
 * no training engine that the jar does not carry.
 */
class DeploymentVersionTest {

    @Test
    void versionNamesTheToolkitAndOnnxRuntime() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = C4j.run(new String[] {"--version"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertEquals(0, code);
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("contrastive4j 0.")), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("onnxruntime 1.29.0")), lines.toString());
        assertTrue(lines.stream().noneMatch(l -> l.startsWith("djl ")), lines.toString());
    }
}
