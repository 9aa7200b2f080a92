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
