package org.contrastive4j.core.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A CSV/TSV file of feature rows that is never held whole: opening it checks every row and keeps the labels (4 bytes
 * a row); reads parse the file again, {@link #WINDOW_BYTES} of samples at a time. Reading in order costs one more pass
 * over the file; reading backwards starts that pass again from the top, so this is for consumers that read each
 * sample once, in order ({@link CsvFiles#stream}).
 */
final class CsvStream implements Dataset {

    /** The most decoded values held at once. */
    static final long WINDOW_BYTES = 16L << 20;

    private final Path path;
    private final CsvFiles.Layout layout;
    private final int size;
    private final int[] labels;
    private final List<String> classNames;
    private final int window;

    // The reading position, guarded by this: the open rows, the index of the next data row they return, and the
    // window of parsed samples [bufferStart, bufferStart + bufferCount).
    private CsvRows rows;
    private int nextRow;
    private float[] buffer;
    private int bufferStart;
    private int bufferCount;

    private CsvStream(Path path, CsvFiles.Layout layout, int size, int[] labels, List<String> classNames,
            long windowBytes) {
        this.path = path;
        this.layout = layout;
        this.size = size;
        this.labels = labels;
        this.classNames = List.copyOf(classNames);
        this.window = (int) Math.max(1, Math.min(size, windowBytes / Float.BYTES / layout.features()));
    }

    static CsvStream open(Path path, String labelColumn, int[] sampleShape, long windowBytes) throws IOException {
        CsvFiles.Scan scan = CsvFiles.scan(path, labelColumn, sampleShape, false);
        return new CsvStream(path, scan.layout(), scan.rows(), scan.labels(), scan.classNames(), windowBytes);
    }

    @Override
    public String source() {
        return path.toString();
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public int[] sampleShape() {
        return layout.shape().clone();
    }

    @Override
    public int[] labels() {
        return labels;
    }

    @Override
    public List<String> classNames() {
        return classNames;
    }

    @Override
    public String id(int i) {
        return Integer.toString(i);
    }

    @Override
    public synchronized void read(int i, float[] dst, int offset) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("sample " + i + " of " + size + " in " + path);
        }
        if (i < bufferStart || i >= bufferStart + bufferCount) {
            fill(i);
        }
        int len = layout.features();
        System.arraycopy(buffer, (i - bufferStart) * len, dst, offset, len);
    }

    /** Parses the window starting at sample {@code i}, reopening the file when {@code i} lies behind the position. */
    private void fill(int i) {
        int len = layout.features();
        try {
            if (rows == null || i < nextRow) {
                closeRows();
                rows = CsvRows.open(path);
                if (layout.header()) {
                    rows.next();
                }
                nextRow = 0;
            }
            while (nextRow < i) {
                if (rows.next() == null) {
                    throw new DataException(path + ": the file changed while it was read (it ends before row " + i + ")");
                }
                nextRow++;
            }
            int n = Math.min(window, size - i);
            if (buffer == null) {
                buffer = new float[window * len];
            }
            bufferStart = i;
            bufferCount = 0;
            while (bufferCount < n) {
                CsvRows.Row row = rows.next();
                if (row == null) {
                    throw new DataException(path + ": the file changed while it was read (it ends before row "
                            + (i + bufferCount) + ")");
                }
                CsvFiles.parseRow(path, row, layout, buffer, bufferCount * len, null);
                bufferCount++;
                nextRow++;
            }
            if (nextRow >= size) {
                closeRows();
            }
        } catch (IOException e) {
            bufferCount = 0;
            closeRows();
            throw new DataException(e.getMessage(), e);
        }
    }

    private void closeRows() {
        if (rows != null) {
            try {
                rows.close();
            } catch (IOException ignored) {
                // Read-only: nothing is lost when closing fails.
            }
            rows = null;
        }
    }

    @Override
    public Dataset select(int[] indices) {
        int[] y = null;
        if (labels != null) {
            y = new int[indices.length];
            for (int k = 0; k < indices.length; k++) {
                y[k] = labels[indices[k]];
            }
        }
        return new Selected(this, indices.clone(), y);
    }

    /** Samples of a stream at given indices, read through it. */
    private record Selected(CsvStream inner, int[] indices, int[] labels) implements Dataset {

        @Override
        public String source() {
            return inner.source();
        }

        @Override
        public int size() {
            return indices.length;
        }

        @Override
        public int[] sampleShape() {
            return inner.sampleShape();
        }

        @Override
        public List<String> classNames() {
            return inner.classNames();
        }

        @Override
        public String id(int i) {
            return inner.id(indices[i]);
        }

        @Override
        public void read(int i, float[] dst, int offset) {
            inner.read(indices[i], dst, offset);
        }

        @Override
        public Dataset select(int[] more) {
            int[] composed = new int[more.length];
            for (int k = 0; k < more.length; k++) {
                composed[k] = indices[more[k]];
            }
            return inner.select(composed);
        }
    }
}
