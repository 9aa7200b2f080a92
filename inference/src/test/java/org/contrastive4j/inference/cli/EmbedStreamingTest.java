package org.contrastive4j.inference.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.contrastive4j.inference.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11 item 10: {@code embed} streams. A JVM with a 24 MiB heap embeds a million samples to NPY (+ ids): holding
 * the million embeddings alone would take about 36 MiB (a float[3] is 32 bytes, plus its reference), so it only
 * finishes if each slice is written before the next is embedded.
 */
class EmbedStreamingTest {

    private static final int ROWS = 1_000_000;

    @TempDir
    Path tmp;

    @Test
    void aMillionEmbeddingsStreamThroughA24MiBHeap() throws Exception {
        Path out = tmp.resolve("e.npy");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new ArrayList<>(List.of(java.toString(), "-Xmx24m", "-XX:+UseSerialGC", "-cp",
                System.getProperty("java.class.path"), StreamingProbe.class.getName(), TestModels.foreign().toString(),
                out.toString(), Integer.toString(ROWS)));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("probe.log").toFile()).start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "probe did not finish");
        String log = Files.readString(tmp.resolve("probe.log"));
        assertEquals(0, p.exitValue(), log);

        try (RandomAccessFile f = new RandomAccessFile(out.toFile(), "r")) {
            byte[] head = new byte[10];
            f.readFully(head);
            int headerLength = 10 + (head[8] & 0xff) + ((head[9] & 0xff) << 8);
            byte[] dict = new byte[headerLength - 10];
            f.readFully(dict);
            String text = new String(dict, StandardCharsets.US_ASCII);
            assertTrue(text.contains("'shape': (" + ROWS + ", 3)"), text);
            assertEquals(headerLength + 12L * ROWS, f.length());
            for (int i : new int[] {0, 1023, 1024, 517_311, ROWS - 1}) {
                float[] x = new float[4];
                for (int j = 0; j < 4; j++) {
                    x[j] = StreamingProbe.value(i, j);
                }
                byte[] row = new byte[12];
                f.seek(headerLength + 12L * i);
                f.readFully(row);
                ByteBuffer b = ByteBuffer.wrap(row).order(ByteOrder.LITTLE_ENDIAN);
                float[] got = {b.getFloat(), b.getFloat(), b.getFloat()};
                assertArrayEquals(TestModels.foreignReference(x), got, 1e-5f, "row " + i);
            }
        }
        assertEquals(ROWS, lines(tmp.resolve("e.ids.txt")));
    }

    private static int lines(Path file) throws IOException {
        try (BufferedReader r = Files.newBufferedReader(file)) {
            int n = 0;
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (!line.equals(Integer.toString(n))) {
                    throw new AssertionError("line " + n + " is " + line);
                }
                n++;
            }
            return n;
        }
    }
}
