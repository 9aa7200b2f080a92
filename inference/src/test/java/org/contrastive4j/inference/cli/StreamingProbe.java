package org.contrastive4j.inference.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import org.contrastive4j.core.data.Dataset;
import org.contrastive4j.inference.Embedder;
import org.contrastive4j.inference.EmbedderOptions;

/**
 * Run in a forked JVM with a small heap by {@link EmbedStreamingTest}: embeds a generated dataset of many rows (it
 * holds no samples, each is computed from its index) through {@code embed}'s streaming writer.
 * Arguments: model, output file, row count.
 */
public final class StreamingProbe {

    private StreamingProbe() {}

    /** Sample i, value j: a deterministic pattern in [-2, 2). */
    static float value(int i, int j) {
        return ((i * 31L + j * 17L) % 1000) / 250f - 2f;
    }

    public static void main(String[] args) throws Exception {
        Path model = Path.of(args[0]);
        Path output = Path.of(args[1]);
        int n = Integer.parseInt(args[2]);
        Dataset generated = new Generated(n, 0, n);
        try (Embedder e = Embedder.open(model, EmbedderOptions.builder().batchSize(1024).intraOpThreads(1).build())) {
            EmbedCommand.write(e, generated, output, System.out, new Streaming.Progress(new PrintStream(System.err), "embedded", n));
        }
    }

    /** Rows [from, to) of the generated pattern; ids are the row numbers. */
    private record Generated(int n, int from, int to) implements Dataset {
        @Override
        public String source() {
            return "generated";
        }

        @Override
        public int size() {
            return to - from;
        }

        @Override
        public int[] sampleShape() {
            return new int[] {4};
        }

        @Override
        public int[] labels() {
            return null;
        }

        @Override
        public List<String> classNames() {
            return List.of();
        }

        @Override
        public String id(int i) {
            return Integer.toString(from + i);
        }

        @Override
        public void read(int i, float[] dst, int offset) {
            for (int j = 0; j < 4; j++) {
                dst[offset + j] = value(from + i, j);
            }
        }

        @Override
        public Dataset select(int[] indices) {
            throw new UnsupportedOperationException("not needed by the probe");
        }
    }
}
