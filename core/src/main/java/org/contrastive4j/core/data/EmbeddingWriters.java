package org.contrastive4j.core.data;

import com.google.gson.Gson;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.contrastive4j.core.files.AtomicFiles;

/**
 * Writes embeddings and/or per-row columns, choosing the format from the file extension, atomically, and streaming:
 * rows are pulled one slice at a time ({@link BatchSource}) and written before the next is asked for, so memory
 * does not grow with the number of rows.
 *
 * <ul>
 *   <li>{@code .csv}: header {@code id,label,score,e0..e<D-1>} (only the columns given);</li>
 *   <li>{@code .jsonl} / {@code .ndjson}: one object per row:
 *       {@code {"id":..,"label":..,"label_index":..,"score":..,"embedding":[..]}};</li>
 *   <li>{@code .npy}: the {@code [N, D]} float32 matrix; labels, when given, go to {@code <stem>.labels.npy} (int64),
 *       ids to {@code <stem>.ids.txt} (one per line, row order; see {@link #idLine}).</li>
 * </ul>
 * A label is written as its class name when class names are given, else as its index. An id that is just the row
 * index is a JSON number in JSONL. Non-finite embedding values are written as {@code NaN}/{@code Infinity} in CSV and
 * {@code null} in JSONL (which has no such numbers).
 *
 * <p><b>Spreadsheet safety.</b> Text cells of a CSV (ids and class names) are written by {@link #csvCell}: a cell
 * that starts with {@code =}, {@code +}, {@code -}, {@code @}, a tab or a carriage return and is not a plain number
 * gets a leading apostrophe ({@code '=cmd} instead of {@code =cmd}), so a spreadsheet shows it as text instead of
 * evaluating it as a formula (the OWASP "CSV injection" advice); then RFC 4180 quoting applies. Numbers such as
 * {@code -1} or {@code -2.5e-3} are left as they are. JSONL and the ids file carry the text unchanged.
 */
public final class EmbeddingWriters {

    private static final Gson GSON = new Gson();
    private static final Pattern PLAIN_NUMBER = Pattern.compile("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");
    private static final int BUFFER = 1 << 16;

    /** The output formats, by file extension. */
    public enum Format {
        CSV(".csv"),
        JSONL(".jsonl", ".ndjson"),
        NPY(".npy");

        private final List<String> extensions;

        Format(String... extensions) {
            this.extensions = List.of(extensions);
        }

        public List<String> extensions() {
            return extensions;
        }

        /** Every extension of {@code formats}, for messages: ".csv, .jsonl, .ndjson, .npy". */
        public static String extensions(Format... formats) {
            return Arrays.stream(formats).flatMap(f -> f.extensions.stream()).collect(Collectors.joining(", "));
        }

        /**
         * The format of {@code path} among {@code allowed} (all formats when none are given).
         *
         * @throws IllegalArgumentException naming the file and the supported extensions
         */
        public static Format of(Path path, Format... allowed) {
            Format[] candidates = allowed.length == 0 ? values() : allowed;
            String name = path.getFileName() == null ? "" : path.getFileName().toString().toLowerCase(Locale.ROOT);
            for (Format f : candidates) {
                for (String ext : f.extensions) {
                    if (name.endsWith(ext)) {
                        return f;
                    }
                }
            }
            int dot = name.lastIndexOf('.');
            String ext = dot < 0 ? "no extension" : "'" + name.substring(dot) + "'";
            throw new IllegalArgumentException(path + ": unsupported output format (" + ext + "); supported: "
                    + extensions(candidates));
        }
    }

    /** Optional per-row columns written next to (or instead of) the embeddings; every field may be null. */
    public record Columns(String[] ids, int[] labels, List<String> classNames, float[] scores) {
        public static final Columns NONE = new Columns(null, null, null, null);
    }

    /**
     * Per-row columns looked up by row index while streaming; every field may be null.
     *
     * @param ids the id of row i (e.g. {@link Dataset#id})
     * @param labels one label per row
     * @param classNames names of the labels
     */
    public record RowColumns(IntFunction<String> ids, int[] labels, List<String> classNames) {
        public static final RowColumns NONE = new RowColumns(null, null, null);

        /** The ids, labels (when labelled) and class names of {@code dataset}. */
        public static RowColumns of(Dataset dataset) {
            return new RowColumns(dataset::id, dataset.labels(), dataset.classNames());
        }
    }

    /** Supplies embedding rows {@code [from, to)}; called in order, each slice written before the next is asked for. */
    @FunctionalInterface
    public interface BatchSource {
        float[][] rows(int from, int to) throws IOException;
    }

    private EmbeddingWriters() {}

    public static void write(Path path, float[][] embeddings) throws IOException {
        write(path, embeddings, Columns.NONE);
    }

    /** @param embeddings the rows to write, or {@code null} to write only the columns (not for NPY) */
    public static void write(Path path, float[][] embeddings, Columns columns) throws IOException {
        int n = rowCount(embeddings, columns);
        if (embeddings != null) {
            for (int i = 1; i < embeddings.length; i++) {
                if (embeddings[i].length != embeddings[0].length) {
                    throw new IllegalArgumentException("embedding row " + i + " has " + embeddings[i].length
                            + " values, row 0 has " + embeddings[0].length);
                }
            }
        }
        Format format = Format.of(path);
        if (format == Format.NPY && embeddings == null) {
            throw new IllegalArgumentException(path + ": NPY output needs embeddings (use .csv or .jsonl for predictions)");
        }
        BatchSource source = embeddings == null ? null : (from, to) -> Arrays.copyOfRange(embeddings, from, to);
        String[] ids = columns.ids();
        write(path, format, n, Math.max(1, n), source, new Cols(ids == null ? null : i -> ids[i], columns.labels(),
                columns.classNames(), columns.scores()));
    }

    /**
     * Streams {@code count} rows to {@code path}, asking {@code source} for {@code slice} rows at a time.
     *
     * @throws IllegalArgumentException for an unsupported extension (before anything is written) or rows of unequal
     *     length; the target is then left as it was
     */
    public static void write(Path path, int count, int slice, BatchSource source, RowColumns columns) throws IOException {
        if (columns.labels() != null && columns.labels().length != count) {
            throw new IllegalArgumentException("labels has " + columns.labels().length + " rows but there are " + count);
        }
        write(path, Format.of(path), count, slice, source, new Cols(columns.ids(), columns.labels(), columns.classNames(), null));
    }

    /**
     * Streams {@code count} rows as CSV (with its header) to {@code out}, e.g. standard output; {@code out} is flushed,
     * not closed.
     */
    public static void writeCsv(OutputStream out, int count, int slice, BatchSource source, RowColumns columns)
            throws IOException {
        Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), BUFFER);
        writeText(w, Format.CSV, count, slice, source, new Cols(columns.ids(), columns.labels(), columns.classNames(), null));
        w.flush();
    }

    /**
     * Every file {@link #write} creates for {@code path}: the file itself and, for NPY, its sidecars (ids when
     * {@code ids}, labels when {@code labels}). For checking them against a command's inputs before writing.
     */
    public static List<Path> outputFiles(Path path, boolean ids, boolean labels) {
        List<Path> files = new ArrayList<>(List.of(path));
        if (Format.of(path) == Format.NPY) {
            if (labels) {
                files.add(sidecar(path, ".labels.npy"));
            }
            if (ids) {
                files.add(sidecar(path, ".ids.txt"));
            }
        }
        return files;
    }

    /** The sidecar {@code <stem><suffix>} of an NPY file, e.g. {@code emb.ids.txt} beside {@code emb.npy}. */
    public static Path sidecar(Path npy, String suffix) {
        String file = npy.getFileName().toString();
        return npy.resolveSibling(file.substring(0, file.length() - ".npy".length()) + suffix);
    }

    /**
     * A text cell for a CSV: neutralised against spreadsheet formulas (see the class comment), then quoted when it
     * holds a separator, quote or line break (RFC 4180).
     */
    public static String csvCell(String text) {
        String s = text;
        if (!s.isEmpty() && "=+-@\t\r".indexOf(s.charAt(0)) >= 0 && !PLAIN_NUMBER.matcher(s).matches()) {
            s = "'" + s;
        }
        return CsvFiles.quote(s);
    }

    /**
     * One line of an ids file: the id with backslash, line feed and carriage return written as {@code \\}, {@code \n},
     * {@code \r}, so every id is exactly one line (file names may contain line breaks).
     */
    public static String idLine(String id) {
        if (id.indexOf('\\') < 0 && id.indexOf('\n') < 0 && id.indexOf('\r') < 0) {
            return id;
        }
        return id.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r");
    }

    // ---------------------------------------------------------------------------------------------------------------

    /** The columns of one write, by row index. */
    private record Cols(IntFunction<String> ids, int[] labels, List<String> classNames, float[] scores) {
        String label(int i) {
            int y = labels[i];
            return classNames != null && y >= 0 && y < classNames.size() ? classNames.get(y) : Integer.toString(y);
        }
    }

    private static void write(Path path, Format format, int count, int slice, BatchSource source, Cols c) throws IOException {
        if (slice < 1) {
            throw new IllegalArgumentException("slice must be >= 1, got " + slice);
        }
        if (format == Format.NPY) {
            if (source == null) {
                throw new IllegalArgumentException(path + ": NPY output needs embeddings (use .csv or .jsonl for predictions)");
            }
            AtomicFiles.write(path, out -> writeNpy(out, count, slice, source));
            if (c.labels() != null) {
                NpyFiles.writeInts(sidecar(path, ".labels.npy"), new int[] {count}, c.labels());
            }
            if (c.ids() != null) {
                AtomicFiles.write(sidecar(path, ".ids.txt"), out -> {
                    Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), BUFFER);
                    for (int i = 0; i < count; i++) {
                        w.write(idLine(c.ids().apply(i)));
                        w.write('\n');
                    }
                    w.flush();
                });
            }
            return;
        }
        AtomicFiles.write(path, out -> {
            Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), BUFFER);
            writeText(w, format, count, slice, source, c);
            w.flush();
        });
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
        return n;
    }

    /** Asks {@code source} for rows {@code [from, to)} and checks it returned that many, each {@code dim} long. */
    private static float[][] slice(BatchSource source, int from, int to, int[] dim) throws IOException {
        float[][] rows = source.rows(from, to);
        if (rows.length != to - from) {
            throw new IllegalStateException("asked for rows [" + from + ", " + to + ") but got " + rows.length);
        }
        for (int i = 0; i < rows.length; i++) {
            if (dim[0] < 0) {
                dim[0] = rows[i].length;
            } else if (rows[i].length != dim[0]) {
                throw new IllegalArgumentException("embedding row " + (from + i) + " has " + rows[i].length
                        + " values, row 0 has " + dim[0]);
            }
        }
        return rows;
    }

    private static void writeNpy(OutputStream out, int count, int slice, BatchSource source) throws IOException {
        int[] dim = {-1};
        ByteBuffer buf = ByteBuffer.allocate(BUFFER).order(ByteOrder.LITTLE_ENDIAN);
        if (count == 0) {
            out.write(NpyFiles.headerBytes("<f4", new int[] {0, 0}));
            return;
        }
        for (int from = 0; from < count; from += slice) {
            int to = (int) Math.min(count, (long) from + slice);
            float[][] rows = slice(source, from, to, dim);
            if (from == 0) {
                out.write(NpyFiles.headerBytes("<f4", new int[] {count, dim[0]}));
            }
            for (float[] row : rows) {
                for (float v : row) {
                    if (!buf.hasRemaining()) {
                        out.write(buf.array(), 0, buf.position());
                        buf.clear();
                    }
                    buf.putFloat(v);
                }
            }
        }
        out.write(buf.array(), 0, buf.position());
    }

    private static void writeText(Writer w, Format format, int count, int slice, BatchSource source, Cols c)
            throws IOException {
        int[] dim = {-1};
        StringBuilder sb = new StringBuilder();
        for (int from = 0; from < count || (from == 0 && format == Format.CSV); from += slice) {
            int to = (int) Math.min(count, (long) from + slice);
            float[][] rows = source == null ? null : slice(source, from, to, dim);
            if (from == 0 && format == Format.CSV) {
                w.write(csvHeader(c, source == null ? 0 : Math.max(0, dim[0])));
            }
            for (int i = from; i < to; i++) {
                sb.setLength(0);
                float[] row = rows == null ? null : rows[i - from];
                if (format == Format.CSV) {
                    csvRow(sb, c, i, row);
                } else {
                    jsonRow(sb, c, i, row);
                }
                w.append(sb);
            }
            if (count == 0) {
                break;
            }
        }
    }

    private static String csvHeader(Cols c, int d) {
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
        for (int j = 0; j < d; j++) {
            header.add("e" + j);
        }
        return String.join(",", header) + "\n";
    }

    private static void csvRow(StringBuilder sb, Cols c, int i, float[] row) {
        if (c.ids() != null) {
            sb.append(csvCell(c.ids().apply(i))).append(',');
        }
        if (c.labels() != null) {
            sb.append(csvCell(c.label(i))).append(',');
        }
        if (c.scores() != null) {
            FloatText.append(sb, c.scores()[i]).append(',');
        }
        if (row != null) {
            for (float v : row) {
                FloatText.append(sb, v).append(',');
            }
        }
        if (sb.length() > 0) {
            sb.setLength(sb.length() - 1);
        }
        sb.append('\n');
    }

    private static void jsonRow(StringBuilder sb, Cols c, int i, float[] row) {
        sb.append('{');
        if (c.ids() != null) {
            jsonId(sb.append("\"id\":"), c.ids().apply(i), i).append(',');
        }
        if (c.labels() != null) {
            sb.append("\"label\":").append(GSON.toJson(c.label(i))).append(",\"label_index\":").append(c.labels()[i]).append(',');
        }
        if (c.scores() != null) {
            number(sb.append("\"score\":"), c.scores()[i]).append(',');
        }
        if (row != null) {
            sb.append("\"embedding\":[");
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
    }

    /** An id in JSON: a number when it is the row index (tensor inputs), else a string (a file path). */
    public static StringBuilder jsonId(StringBuilder sb, String id, int row) {
        return id.equals(Integer.toString(row)) ? sb.append(row) : sb.append(GSON.toJson(id));
    }

    private static StringBuilder number(StringBuilder sb, float v) {
        return Float.isFinite(v) ? FloatText.append(sb, v) : sb.append("null");
    }
}
