package org.contrastive4j.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A streamed CSV reads the same samples and labels as the in-memory reader, in windows, forwards and backwards. */
class CsvStreamTest {

    @TempDir
    Path dir;

    /** Row r holds r*10 + j in feature column j, and label "c" + (r % 3). */
    private Path write(String name, int rows, boolean header) throws IOException {
        StringBuilder sb = new StringBuilder(header ? "id,f0,f1,f2,label\n" : "");
        for (int r = 0; r < rows; r++) {
            if (header) {
                sb.append("row").append(r).append(',');
            }
            sb.append(r * 10).append(',').append(r * 10 + 1).append(',').append(r * 10 + 2);
            sb.append(header ? ",c" + (r % 3) : "").append('\n');
        }
        Path p = dir.resolve(name);
        Files.writeString(p, sb.toString());
        return p;
    }

    @Test
    void readsEverySampleAcrossWindowsInOrderAndBackwards() throws IOException {
        Path p = write("a.csv", 100, true);
        // 7 rows of 3 floats per window: windows end mid-file and the last one is short.
        CsvStream s = CsvStream.open(p, null, null, 7 * 3 * Float.BYTES);
        assertEquals(100, s.size());
        assertArrayEquals(new int[] {3}, s.sampleShape());
        assertEquals(List.of("c0", "c1", "c2"), s.classNames());
        float[] row = new float[3];
        for (int r = 0; r < 100; r++) {
            s.read(r, row, 0);
            assertArrayEquals(new float[] {r * 10, r * 10 + 1, r * 10 + 2}, row, "row " + r);
            assertEquals(r % 3, s.labels()[r]);
        }
        for (int r = 99; r >= 0; r -= 13) {
            s.read(r, row, 0);
            assertEquals(r * 10, row[0], "row " + r + " read after a later one");
        }
    }

    @Test
    void aFileWithoutHeaderStartsAtItsFirstLine() throws IOException {
        Path p = write("b.csv", 20, false);
        CsvStream s = CsvStream.open(p, null, new int[] {1, 3}, 4 * 3 * Float.BYTES);
        assertNull(s.labels());
        float[] row = new float[3];
        s.read(0, row, 0);
        assertArrayEquals(new float[] {0, 1, 2}, row);
        s.read(19, row, 0);
        assertArrayEquals(new float[] {190, 191, 192}, row);
        s.read(0, row, 0);
        assertArrayEquals(new float[] {0, 1, 2}, row);
        assertArrayEquals(new int[] {1, 3}, s.sampleShape());
    }

    @Test
    void equalsTheInMemoryReaderAndSelectsThroughIt() throws IOException {
        Path p = write("c.csv", 50, true);
        Samples all = CsvFiles.read(p, null, null);
        Dataset s = CsvFiles.stream(p, null, null);
        assertArrayEquals(all.labels(), s.labels());
        float[] a = new float[3];
        float[] b = new float[3];
        for (int r = 0; r < 50; r++) {
            all.read(r, a, 0);
            s.read(r, b, 0);
            assertArrayEquals(a, b);
        }
        Dataset picked = s.select(new int[] {40, 2});
        picked.read(1, b, 0);
        assertEquals(20, b[0]);
        assertEquals(2 % 3, picked.labels()[1]);
        assertEquals(40 * 10, readFirst(picked.select(new int[] {0})));
    }

    @Test
    void aBadRowIsReportedWhenOpenedNamingTheFileAndLine() throws IOException {
        Path p = dir.resolve("bad.csv");
        Files.writeString(p, "f0,f1\n1,2\n3,NaN\n");
        IOException e = assertThrows(IOException.class, () -> CsvFiles.stream(p, null, null));
        assertTrue(e.getMessage().contains("bad.csv") && e.getMessage().contains("line 3"), e.getMessage());
    }

    @Test
    void sequentialOptionStreamsCsvThroughDataSources() throws IOException {
        Path p = write("d.csv", 10, true);
        Dataset streamed = DataSources.open(p, LoadOptions.builder().sequential(true).build());
        Dataset loaded = DataSources.open(p, LoadOptions.DEFAULTS);
        assertTrue(streamed instanceof CsvStream, streamed.getClass().getName());
        assertTrue(loaded instanceof Samples, loaded.getClass().getName());
        assertEquals(loaded.size(), streamed.size());
    }

    private static float readFirst(Dataset d) {
        float[] v = new float[d.sampleLength()];
        d.read(0, v, 0);
        return v[0];
    }
}
