package org.contrastive4j.core.data;

import com.google.gson.Gson;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.contrastive4j.core.files.AtomicFiles;

/**
 * Writes embeddings and/or predictions, choosing the format from the file extension, atomically.
 *
 * <ul>
 *   <li>{@code .csv}: header {@code id,label,score,e0..e<D-1>} (only the columns given);</li>
 *   <li>{@code .jsonl}: one object per row: {@code {"id":..,"label":..,"label_index":..,"score":..,"embedding":[..]}};</li>
 *   <li>{@code .npy}: the {@code [N, D]} float32 matrix; labels, when given, go to {@code <stem>.labels.npy} (int64).</li>
 * </ul>
 * A label is written as its class name when class names are given, else as its index. Non-finite embedding values
 * are written as {@code NaN}/{@code Infinity} in CSV and {@code null} in JSONL (which has no such numbers).
 */
public final class EmbeddingWriters {

    private static final Gson GSON = new Gson();

    /** Optional per-row columns written next to (or instead of) the embeddings; every field may be null. */
    public record Columns(String[] ids, int[] labels, List<String> classNames, float[] scores) {
        public static final Columns NONE = new Columns(null, null, null, null);
    }

    private EmbeddingWriters() {}

    public static void write(Path path, float[][] embeddings) throws IOException {
        write(path, embeddings, Columns.NONE);
    }

    /** @param embeddings the rows to write, or {@code null} to write only the columns (not for NPY) */
    public static void write(Path path, float[][] embeddings, Columns columns) throws IOException {
        int n = rowCount(embeddings, columns);
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".csv")) {
            writeCsv(path, embeddings, columns, n);
        } else if (name.endsWith(".jsonl") || name.endsWith(".ndjson")) {
            writeJsonl(path, embeddings, columns, n);
        } else if (name.endsWith(".npy")) {
            if (embeddings == null) {
                throw new IllegalArgumentException(path + ": NPY output needs embeddings (use .csv or .jsonl for predictions)");
            }
            NpyFiles.write(path, embeddings);
            if (columns.labels() != null) {
                String file = path.getFileName().toString();
                NpyFiles.writeInts(path.resolveSibling(file.substring(0, file.length() - 4) + ".labels.npy"),
                        new int[] {n}, columns.labels());
            }
        } else {
            throw new IllegalArgumentException(path + ": unknown output format (use .csv, .npy or .jsonl)");
        }
    }

    private static int rowCount(float[][] embeddings, Columns c) {
        int n = -1;
        String what = null;
        Object[][] checks = {{"embeddings", embeddings == null ? null : embeddings.length},
                {"ids", c.ids() == null ? null : c.ids().length}, {"labels", c.labels() == null ? null : c.labels().length},
                {"scores", c.scores() == null ? null : c.scores().length}};
        for (Object[] ch : checks) {
            if (ch[1] == null) {
                continue;
            }
            int len = (Integer) ch[1];
            if (n >= 0 && len != n) {
                throw new IllegalArgumentException(ch[0] + " has " + len + " rows but " + what + " has " + n);
            }
            n = len;
            what = (String) ch[0];
        }
        if (n < 0) {
            throw new IllegalArgumentException("nothing to write: no embeddings and no columns");
        }
        if (embeddings != null) {
            for (int i = 1; i < embeddings.length; i++) {
                if (embeddings[i].length != embeddings[0].length) {
                    throw new IllegalArgumentException("embedding row " + i + " has " + embeddings[i].length
                            + " values, row 0 has " + embeddings[0].length);
                }
            }
        }
        return n;
    }

    private static String label(Columns c, int i) {
        int y = c.labels()[i];
        List<String> names = c.classNames();
        return names != null && y >= 0 && y < names.size() ? names.get(y) : Integer.toString(y);
    }

    private static void writeCsv(Path path, float[][] emb, Columns c, int n) throws IOException {
        AtomicFiles.write(path, out -> {
            BufferedWriter w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
            List<String> header = new ArrayList<>();
            if (c.ids() != null) {
                header.add("id");
            }
            if (c.labels() != null) {
                header.add("label");
            }
            if (c.scores() != null) {
                header.add("score");
            }
            int d = emb == null || n == 0 ? 0 : emb[0].length;
            for (int j = 0; j < d; j++) {
                header.add("e" + j);
            }
            w.write(String.join(",", header));
            w.write('\n');
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < n; i++) {
                sb.setLength(0);
                if (c.ids() != null) {
                    sb.append(CsvFiles.quote(c.ids()[i])).append(',');
                }
                if (c.labels() != null) {
                    sb.append(CsvFiles.quote(label(c, i))).append(',');
                }
                if (c.scores() != null) {
                    sb.append(c.scores()[i]).append(',');
                }
                for (int j = 0; j < d; j++) {
                    sb.append(emb[i][j]).append(',');
                }
                if (sb.length() > 0) {
                    sb.setLength(sb.length() - 1);
                }
                sb.append('\n');
                w.append(sb);
            }
            w.flush();
        });
    }

    private static void writeJsonl(Path path, float[][] emb, Columns c, int n) throws IOException {
        AtomicFiles.write(path, out -> {
            BufferedWriter w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < n; i++) {
                sb.setLength(0);
                sb.append('{');
                if (c.ids() != null) {
                    sb.append("\"id\":").append(GSON.toJson(c.ids()[i])).append(',');
                }
                if (c.labels() != null) {
                    sb.append("\"label\":").append(GSON.toJson(label(c, i))).append(",\"label_index\":")
                            .append(c.labels()[i]).append(',');
                }
                if (c.scores() != null) {
                    number(sb.append("\"score\":"), c.scores()[i]).append(',');
                }
                if (emb != null) {
                    sb.append("\"embedding\":[");
                    float[] row = emb[i];
                    for (int j = 0; j < row.length; j++) {
                        if (j > 0) {
                            sb.append(',');
                        }
                        number(sb, row[j]);
                    }
                    sb.append("],");
                }
                if (sb.length() > 1) {
                    sb.setLength(sb.length() - 1);
                }
                sb.append("}\n");
                w.append(sb);
            }
            w.flush();
        });
    }

    private static StringBuilder number(StringBuilder sb, float v) {
        return Float.isFinite(v) ? sb.append(v) : sb.append("null");
    }
}
