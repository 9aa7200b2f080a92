package org.contrastive4j.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddingWritersTest {

    @TempDir
    Path tmp;

    private final float[][] emb = {{0.25f, -1f / 3}, {1e-9f, 7f}};
    private final EmbeddingWriters.Columns cols = new EmbeddingWriters.Columns(new String[] {"a.png", "b,\"c\".png"},
            new int[] {1, 0}, List.of("cat", "dog"), new float[] {0.9f, 0.55f});

    @Test
    void csvHasHeaderNamesAndExactValues() throws IOException {
        Path p = tmp.resolve("e.csv");
        EmbeddingWriters.write(p, emb, cols);
        List<String> lines = Files.readAllLines(p);
        assertEquals("id,label,score,e0,e1", lines.get(0));
        assertEquals("a.png,dog,0.9,0.25," + (-1f / 3), lines.get(1));
        assertEquals("\"b,\"\"c\"\".png\",cat,0.55,1.0E-9,7.0", lines.get(2));
        // Ids are skipped and labels recovered when read back (without scores, which would count as a feature).
        Path noScores = tmp.resolve("ns.csv");
        EmbeddingWriters.write(noScores, emb, new EmbeddingWriters.Columns(cols.ids(), cols.labels(), cols.classNames(), null));
        Samples back = CsvFiles.read(noScores);
        assertArrayEquals(new float[] {0.25f, -1f / 3, 1e-9f, 7f}, back.values());
        assertEquals(List.of("cat", "dog"), back.classNames());
        assertArrayEquals(new int[] {1, 0}, back.labels());
        // Embeddings alone read back as numbers.
        Path plain = tmp.resolve("plain.csv");
        EmbeddingWriters.write(plain, emb);
        assertArrayEquals(new float[] {0.25f, -1f / 3, 1e-9f, 7f}, CsvFiles.read(plain).values());
    }

    @Test
    void jsonlLinesParse() throws IOException {
        Path p = tmp.resolve("e.jsonl");
        EmbeddingWriters.write(p, emb, cols);
        List<String> lines = Files.readAllLines(p);
        assertEquals(2, lines.size());
        JsonObject o = JsonParser.parseString(lines.get(1)).getAsJsonObject();
        assertEquals("b,\"c\".png", o.get("id").getAsString());
        assertEquals("cat", o.get("label").getAsString());
        assertEquals(0, o.get("label_index").getAsInt());
        assertEquals(0.55f, o.get("score").getAsFloat());
        assertEquals(7f, o.getAsJsonArray("embedding").get(1).getAsFloat());
        // Predictions only (no embeddings)
        Path preds = tmp.resolve("p.jsonl");
        EmbeddingWriters.write(preds, null, cols);
        assertFalse(Files.readString(preds).contains("embedding"));
    }

    @Test
    void npyWritesMatrixAndLabelSidecar() throws IOException {
        Path p = tmp.resolve("e.npy");
        EmbeddingWriters.write(p, emb, cols);
        NpyFiles.NpyArray a = NpyFiles.read(p);
        assertArrayEquals(new int[] {2, 2}, a.shape());
        assertArrayEquals(new float[] {0.25f, -1f / 3, 1e-9f, 7f}, a.values());
        assertArrayEquals(new int[] {1, 0}, NpyFiles.readInts(tmp.resolve("e.labels.npy")));
        assertEquals(List.of("a.png", "b,\"c\".png"), Files.readAllLines(tmp.resolve("e.ids.txt")));
        assertEquals(List.of(p, tmp.resolve("e.labels.npy"), tmp.resolve("e.ids.txt")),
                EmbeddingWriters.outputFiles(p, true, true));
        assertEquals(List.of(tmp.resolve("e.csv")), EmbeddingWriters.outputFiles(tmp.resolve("e.csv"), true, true));
    }

    /** Issue 11 item 7: text cells that a spreadsheet would evaluate get a leading apostrophe (OWASP CSV injection). */
    @Test
    void formulaLikeTextCellsAreNeutralised() {
        assertEquals("\"'=HYPERLINK(\"\"http://x\"\")\"", EmbeddingWriters.csvCell("=HYPERLINK(\"http://x\")"));
        assertEquals("'=1+2", EmbeddingWriters.csvCell("=1+2"));
        assertEquals("'+cmd", EmbeddingWriters.csvCell("+cmd"));
        assertEquals("'-cmd|' /C calc'!A0", EmbeddingWriters.csvCell("-cmd|' /C calc'!A0"));
        assertEquals("'@SUM(A1)", EmbeddingWriters.csvCell("@SUM(A1)"));
        assertEquals("\"'\tx\"", EmbeddingWriters.csvCell("\tx")); // a tab also needs RFC 4180 quotes
        assertEquals("\"'\rx\"", EmbeddingWriters.csvCell("\rx"));
        assertEquals("\"'=a,b\"", EmbeddingWriters.csvCell("=a,b"));
        // Plain numbers and ordinary names are left alone.
        for (String keep : List.of("-1", "+3", "-2.5e-3", ".5", "cat", "a=b", "T-shirt/top", "")) {
            assertEquals(keep, EmbeddingWriters.csvCell(keep));
        }
    }

    @Test
    void streamingAsksForSlicesInOrderAndWritesEveryFormat() throws IOException {
        int n = 10;
        List<int[]> asked = new ArrayList<>();
        EmbeddingWriters.BatchSource source = (from, to) -> {
            asked.add(new int[] {from, to});
            float[][] rows = new float[to - from][];
            for (int i = from; i < to; i++) {
                rows[i - from] = new float[] {i, -i};
            }
            return rows;
        };
        int[] labels = {0, 1, 0, 1, 0, 1, 0, 1, 0, 1};
        EmbeddingWriters.RowColumns cols = new EmbeddingWriters.RowColumns(i -> "f" + i + (i == 3 ? "\nx" : ""), labels,
                List.of("=bad", "good"));
        Path csv = tmp.resolve("s.csv");
        EmbeddingWriters.write(csv, n, 4, source, cols);
        assertEquals(List.of(List.of(0, 4), List.of(4, 8), List.of(8, 10)),
                asked.stream().map(a -> List.of(a[0], a[1])).toList());
        String text = Files.readString(csv);
        assertTrue(text.startsWith("id,label,e0,e1\nf0,'=bad,0.0,0.0\nf1,good,1.0,-1.0\n"), text);
        assertTrue(text.contains("\"f3\nx\",good,3.0,-3.0\n"), text);

        Path npy = tmp.resolve("s.npy");
        EmbeddingWriters.write(npy, n, 3, source, cols);
        NpyFiles.NpyArray a = NpyFiles.read(npy);
        assertArrayEquals(new int[] {10, 2}, a.shape());
        assertEquals(9f, a.values()[18]);
        assertEquals(-9f, a.values()[19]);
        List<String> ids = Files.readAllLines(tmp.resolve("s.ids.txt"));
        assertEquals(10, ids.size());
        assertEquals("f3\\nx", ids.get(3)); // one line per id: the line break is escaped
        assertArrayEquals(labels, NpyFiles.readInts(tmp.resolve("s.labels.npy")));

        Path jsonl = tmp.resolve("s.jsonl");
        EmbeddingWriters.write(jsonl, n, 100, source, EmbeddingWriters.RowColumns.NONE);
        List<String> lines = Files.readAllLines(jsonl);
        assertEquals("{\"embedding\":[7.0,-7.0]}", lines.get(7));

        // A source that returns rows of another width fails, and the target is not created.
        Path bad = tmp.resolve("bad.csv");
        assertThrows(IllegalArgumentException.class, () -> EmbeddingWriters.write(bad, 3, 1, (from, to) ->
                new float[][] {new float[from + 1]}, EmbeddingWriters.RowColumns.NONE));
        assertFalse(Files.exists(bad));
    }

    @Test
    void unsupportedExtensionsNameTheSupportedOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EmbeddingWriters.Format.of(tmp.resolve("x.xlsx")));
        assertTrue(e.getMessage().contains("x.xlsx: unsupported output format ('.xlsx'); supported: .csv, .jsonl, .ndjson, .npy"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> EmbeddingWriters.Format.of(tmp.resolve("x.npy"),
                EmbeddingWriters.Format.JSONL, EmbeddingWriters.Format.CSV));
        assertTrue(e.getMessage().contains("supported: .jsonl, .ndjson, .csv"), e.getMessage());
        assertEquals(EmbeddingWriters.Format.JSONL, EmbeddingWriters.Format.of(tmp.resolve("X.NDJSON")));
    }

    @Test
    void inconsistentInputsAreRejected() {
        EmbeddingWriters.Columns shortIds = new EmbeddingWriters.Columns(new String[] {"x"}, null, null, null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EmbeddingWriters.write(tmp.resolve("x.csv"), emb, shortIds));
        assertTrue(e.getMessage().contains("ids has 1 rows"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> EmbeddingWriters.write(tmp.resolve("x.parquet"), emb));
        assertThrows(IllegalArgumentException.class,
                () -> EmbeddingWriters.write(tmp.resolve("x.csv"), new float[][] {{1}, {1, 2}}));
    }
}
