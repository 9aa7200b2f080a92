package org.contrastive4j.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * ONNX Runtime 1.29.0 kills the JVM (SIGSEGV, exit 139) when it first starts on a default thread of a JVM whose command
 * line is over about 4 KB — a Spark or IDE class path of jars is enough. {@link OrtRuntime} starts it on a large-stack
 * thread; this test starts a JVM with a 6 KB command line and has it start ONNX Runtime ({@code c4j --version}).
 */
class LongCommandLineTest {

    @Test
    void aJvmWithALongCommandLineStartsOnnxRuntime() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of(java, "-Dc4j.test.padding=" + "x".repeat(6000), "-cp",
                System.getProperty("java.class.path"), "org.contrastive4j.core.cli.C4j", "--version");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the forked JVM did not finish");
        assertEquals(0, p.exitValue(), "exit code (139 = SIGSEGV inside ONNX Runtime); output:\n" + out);
        assertTrue(out.contains("onnxruntime 1.29.0"), out);
    }
}
