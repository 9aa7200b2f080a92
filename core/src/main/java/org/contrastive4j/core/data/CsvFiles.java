package org.contrastive4j.core.data;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.contrastive4j.core.files.AtomicFiles;

/**
 * Feature vectors as CSV: one sample per row, comma separated ({@code .tsv}: tab), parsed as RFC 4180 by Apache
 * Commons CSV ({@link CsvRows}): quoted fields may hold separators, doubled quotes and line breaks.
 *
 * <p><b>Header</b>: the first line is a header when any of its fields outside the label column is not a number
 * (a header of purely numeric names is therefore read as data).
 * <p><b>Label column</b> ({@code labelColumn}): {@code null} picks a header column named {@code label}
 * (any case) if there is one, else no labels; {@code "none"} means no labels; an integer is a 0-based column
 * index (negative counts from the end, {@code -1} = last); anything else is a header name. Labels that are all
 * non-negative integers keep their value (class names "0".."max", so files holding different subsets of the
 * classes agree); otherwise the distinct strings, sorted, become the class names.
 * <p><b>Id column</b>: a header column named {@code id} (any case) is skipped, so files written by
 * {@link EmbeddingWriters} ({@code id,label,e0,...}) read back as features and labels.
 * <p>Every error names the file, the line (1-based) and the problem.
 */
public final class CsvFiles {

    private CsvFiles() {}

    public static Samples read(Path path) throws IOException {
        return read(path, null, null);
    }

    /**
     * @param labelColumn see the class comment; may be {@code null}
     * @param sampleShape shape to give each row's features (their count must match), or {@code null} for {@code [F]}
     */
    public static Samples read(Path path, String labelColumn, int[] sampleShape) throws IOException {
        Scan scan = scan(path, labelColumn, sampleShape, true);
        return new Samples(path.toString(), scan.values(), scan.layout().shape(), scan.labels(), scan.classNames());
    }

    /**
     * What one pass over a file's rows found: its layout, the number of data rows, their labels (as class indices and
     * names; {@code null} and empty when unlabelled) and, when kept, every row's features one after another.
     */
    record Scan(Layout layout, int rows, int[] labels, List<String> classNames, float[] values) {}

    /**
     * Reads and checks every row of {@code path} (each error names the file and line), keeping the labels and, when
     * {@code keepValues}, the features; otherwise rows are parsed into one row of scratch space and dropped.
     */
    static Scan scan(Path path, String labelColumn, int[] sampleShape, boolean keepValues) throws IOException {
        try (CsvRows rows = CsvRows.open(path)) {
            CsvRows.Row firstRow = rows.next();
            Layout layout = layout(path, labelColumn, sampleShape, firstRow);
            int features = layout.features();
            FloatBuffer values = new FloatBuffer(path, keepValues ? features * 1024 : features);
            List<String> labels = layout.labelIdx() >= 0 ? new ArrayList<>() : null;
            int count = 0;
            for (CsvRows.Row row = layout.header() ? rows.next() : firstRow; row != null; row = rows.next()) {
                if (keepValues) {
                    values.ensure(features);
                }
                parseRow(path, row, layout, values.data, keepValues ? values.size : 0, labels);
                if (keepValues) {
                    values.size += features;
                }
                count = Math.addExact(count, 1);
            }
            if (count == 0) {
                throw new IOException(path + ": empty CSV file (a header but no data rows)");
            }
            float[] kept = keepValues ? Arrays.copyOf(values.data, values.size) : null;
            if (labels == null) {
                return new Scan(layout, count, null, List.of(), kept);
            }
            ClassLabels y = ClassLabels.of(labels);
            return new Scan(layout, count, y.labels(), y.classNames(), kept);
        }
    }

    /**
     * Opens a CSV/TSV file of feature rows for reading in order without holding it in memory: one pass checks every
     * row (the same errors as {@link #read}) and keeps only the labels; samples are then parsed again, a window of rows
     * at a time, as they are read. For consumers that read each sample once, in order (embedding, classification).
     */
    public static Dataset stream(Path path, String labelColumn, int[] sampleShape) throws IOException {
        return CsvStream.open(path, labelColumn, sampleShape, CsvStream.WINDOW_BYTES);
    }

    /**
     * Where things are in a file's rows: the column count, the label and id columns (-1 when absent), whether the
     * first row is a header, and the shape of a sample.
     */
    record Layout(int columns, int labelIdx, int idIdx, boolean header, int[] shape) {

        int features() {
            return Shapes.product(shape);
        }
    }

    static Layout layout(Path path, String labelColumn, int[] sampleShape, CsvRows.Row firstRow) throws IOException {
        if (firstRow == null) {
            throw new IOException(path + ": empty CSV file (no rows)");
        }
        String[] first = firstRow.fields();
        int columns = first.length;
        int labelIdx = resolveLabelColumn(path, labelColumn, first);
        boolean header = isHeader(first, labelIdx, labelColumn);
        if (labelColumn == null && header) {
            labelIdx = -1;
            for (int i = 0; i < first.length; i++) {
                if (first[i].trim().equalsIgnoreCase("label")) {
                    labelIdx = i;
                }
            }
        }
        int idIdx = -1;
        for (int i = 0; header && i < first.length; i++) {
            if (i != labelIdx && first[i].trim().equalsIgnoreCase("id")) {
                idIdx = i;
            }
        }
        int features = columns - (labelIdx >= 0 ? 1 : 0) - (idIdx >= 0 ? 1 : 0);
        if (features == 0) {
            throw new IOException(path + ": no feature columns (only label/id columns)");
        }
        int[] shape = sampleShape == null ? new int[] {features} : sampleShape.clone();
        int needed = Shapes.product(shape);
        if (needed != features) {
            throw new IOException(path + ": rows have " + features + " feature values but the sample shape "
                    + Arrays.toString(shape) + " needs " + needed);
        }
        return new Layout(columns, labelIdx, idIdx, header, shape);
    }

    /** Writes rows (and an optional header) as CSV, atomically. Values use the shortest exact float text. */
    public static void write(Path path, float[][] rows, String[] header) throws IOException {
        int width = header != null ? header.length : rows.length > 0 ? rows[0].length : 0;
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != width) {
                throw new IllegalArgumentException("row " + i + " has " + rows[i].length + " values, expected " + width);
            }
        }
        AtomicFiles.write(path, out -> {
            BufferedWriter w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
            if (header != null) {
                for (int j = 0; j < header.length; j++) {
                    if (j > 0) {
                        w.write(',');
                    }
                    w.write(quote(header[j]));
                }
                w.write('\n');
            }
            StringBuilder line = new StringBuilder();
            for (float[] row : rows) {
                line.setLength(0);
                for (int j = 0; j < row.length; j++) {
                    if (j > 0) {
                        line.append(',');
                    }
                    FloatText.append(line, row[j]);
                }
                w.append(line).write('\n');
            }
            w.flush();
        });
    }

    /** Quotes a field when it holds a separator, quote or line break (RFC 4180). */
    public static String quote(String field) {
        if (field.indexOf(',') < 0 && field.indexOf('"') < 0 && field.indexOf('\n') < 0 && field.indexOf('\r') < 0
                && field.indexOf('\t') < 0) {
            return field;
        }
        return '"' + field.replace("\"", "\"\"") + '"';
    }

    /** Parses one data row's features into {@code dst} at {@code offset} (and its label into {@code labels}). */
    static void parseRow(Path path, CsvRows.Row row, Layout layout, float[] dst, int offset, List<String> labels)
            throws IOException {
        int lineNo = row.line();
        String[] fields = row.fields();
        int columns = layout.columns();
        int labelIdx = layout.labelIdx();
        int idIdx = layout.idIdx();
        int k = offset;
        if (fields.length != columns) {
            throw new IOException(path + ": line " + lineNo + ": " + fields.length + " columns, expected " + columns
                    + " (as in the first line)");
        }
        for (int j = 0; j < columns; j++) {
            String f = fields[j].trim();
            if (j == idIdx) {
                continue;
            }
            if (j == labelIdx) {
                if (f.isEmpty()) {
                    throw new IOException(path + ": line " + lineNo + ": empty label in column " + (j + 1));
                }
                if (labels != null) {
                    labels.add(f);
                }
                continue;
            }
            float v;
            try {
                v = Float.parseFloat(f);
            } catch (NumberFormatException e) {
                String hint = labelIdx < 0 ? " (if this column holds labels, name it as the label column)" : "";
                throw new IOException(path + ": line " + lineNo + ": non-numeric value '" + f + "' in column " + (j + 1)
                        + hint);
            }
            if (Float.isNaN(v)) {
                throw new IOException(path + ": line " + lineNo + ": NaN in column " + (j + 1));
            }
            if (Float.isInfinite(v)) {
                throw new IOException(path + ": line " + lineNo + ": non-finite value '" + f + "' in column " + (j + 1));
            }
            dst[k++] = v;
        }
    }

    private static int resolveLabelColumn(Path path, String labelColumn, String[] first) throws IOException {
        if (labelColumn == null || labelColumn.equalsIgnoreCase("none")) {
            return -1;
        }
        Integer index = parseIntOrNull(labelColumn.trim());
        if (index != null) {
            int idx = index < 0 ? first.length + index : index;
            if (idx < 0 || idx >= first.length) {
                throw new IOException(path + ": label column index " + labelColumn + " is outside the " + first.length
                        + " columns (0-based; -1 = last)");
            }
            return idx;
        }
        for (int i = 0; i < first.length; i++) {
            if (first[i].trim().equals(labelColumn)) {
                return i;
            }
        }
        for (int i = 0; i < first.length; i++) {
            if (first[i].trim().equalsIgnoreCase(labelColumn)) {
                return i;
            }
        }
        throw new IOException(path + ": line 1: no column named '" + labelColumn + "' (header: "
                + String.join(",", Arrays.copyOf(first, Math.min(first.length, 12)))
                + (first.length > 12 ? ",..." : "") + ")");
    }

    private static boolean isHeader(String[] first, int labelIdx, String labelColumn) {
        if (labelColumn != null && parseIntOrNull(labelColumn.trim()) == null && !labelColumn.equalsIgnoreCase("none")) {
            return true;
        }
        for (int i = 0; i < first.length; i++) {
            if (i == labelIdx) {
                continue;
            }
            try {
                Float.parseFloat(first[i].trim());
            } catch (NumberFormatException e) {
                return true;
            }
        }
        return false;
    }

    private static Integer parseIntOrNull(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A growable float array, so large files are not boxed; refuses to grow beyond what the JVM can hold. */
    private static final class FloatBuffer {
        final Path path;
        float[] data;
        int size;

        FloatBuffer(Path path, int capacity) {
            this.path = path;
            data = new float[Math.max(16, capacity)];
        }

        void ensure(int more) throws IOException {
            if (size + more > data.length) {
                long grown = Math.max((long) data.length * 2, (long) size + more);
                if (grown > MemoryLimits.MAX_ARRAY) {
                    grown = Math.max((long) size + more, MemoryLimits.MAX_ARRAY);
                }
                MemoryLimits.check(path, (long) size + more, 4, "the CSV values read so far");
                data = Arrays.copyOf(data, (int) grown);
            }
        }
    }
}
