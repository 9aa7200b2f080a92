package org.contrastive4j.trainer;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Appends one JSON object per line to {@code metrics.jsonl}, flushed per line so a killed run keeps what it logged.
 * On resume, lines beyond the resumed step are dropped first, so the file reads as one uninterrupted run.
 */
public final class MetricsWriter implements AutoCloseable {

    private static final Gson GSON = new GsonBuilder().serializeSpecialFloatingPointValues().disableHtmlEscaping().create();
    private final BufferedWriter out;

    private MetricsWriter(BufferedWriter out) {
        this.out = out;
    }

    public static MetricsWriter create(Path file) throws IOException {
        return new MetricsWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE));
    }

    /** Opens for appending after keeping only the lines whose global_step is at most {@code lastStep}. */
    public static MetricsWriter resume(Path file, long lastStep) throws IOException {
        List<String> kept = new ArrayList<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                try {
                    Map<?, ?> m = GSON.fromJson(line, Map.class);
                    Object step = m == null ? null : m.get("global_step");
                    if (step instanceof Number n && n.longValue() <= lastStep) {
                        kept.add(line);
                    }
                } catch (RuntimeException partialLine) {
                    // the line being written when the run died: drop it
                }
            }
        }
        org.contrastive4j.core.files.AtomicFiles.writeString(file, kept.isEmpty() ? "" : String.join("\n", kept) + "\n");
        return new MetricsWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND));
    }

    public static Map<String, Object> line(String type) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", type);
        return m;
    }

    public synchronized void write(Map<String, Object> record) {
        try {
            out.write(GSON.toJson(record));
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write metrics.jsonl: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
