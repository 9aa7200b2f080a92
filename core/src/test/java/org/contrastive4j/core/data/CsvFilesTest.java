package org.contrastive4j.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvFilesTest {

    @TempDir
    Path tmp;

    private Path csv(String name, String text) throws IOException {
        Path p = tmp.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void headerAndStringLabelsBecomeSortedClassNames() throws IOException {
        Path p = csv("a.csv", "f0,species,f1,f2,f3\n1,zebra,2,3,4\n5,ant,6,7,8\n9,moth,10,11,12\n");
        Samples s = CsvFiles.read(p, "species", new int[] {2, 2});
        assertEquals(List.of("ant", "moth", "zebra"), s.classNames());
        assertArrayEquals(new int[] {2, 0, 1}, s.labels());
        assertArrayEquals(new int[] {2, 2}, s.sampleShape());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, s.values());
    }

    @Test
    void noHeaderWithIntegerLabelByIndexKeepsLabelValues() throws IOException {
        Path p = csv("b.csv", "0.5,1e-3,3\n-2,4,1\n");
        Samples s = CsvFiles.read(p, "-1", null);
        assertArrayEquals(new int[] {3, 1}, s.labels());
        assertEquals(List.of("0", "1", "2", "3"), s.classNames());
        assertArrayEquals(new float[] {0.5f, 1e-3f, -2f, 4f}, s.values());
        assertArrayEquals(new int[] {2}, s.sampleShape());
    }

    @Test
    void labelColumnNamedLabelIsPickedAutomatically() throws IOException {
        Path p = csv("c.csv", "x,y,Label\n1,2,cat\n3,4,dog\n");
        Samples s = CsvFiles.read(p);
        assertArrayEquals(new int[] {0, 1}, s.labels());
        assertArrayEquals(new float[] {1, 2, 3, 4}, s.values());
        Samples none = CsvFiles.read(csv("d.csv", "1,2\n3,4\n"));
        assertFalse(none.labelled());
        assertNull(none.labels());
        assertEquals(2, none.size());
    }

    @Test
    void quotedFieldsAndTsv() throws IOException {
        Path p = csv("q.csv", "\"a,b\",label\n1.5,\"big, \"\"red\"\"\"\n");
        Samples s = CsvFiles.read(p);
        assertEquals(List.of("big, \"red\""), s.classNames());
        Samples t = CsvFiles.read(csv("t.tsv", "1\t2\t3\n"));
        assertArrayEquals(new float[] {1, 2, 3}, t.values());
    }

    @Test
    void wrongColumnCountNamesFileAndLine() throws IOException {
        Path p = csv("bad.csv", "1,2,3\n4,5,6\n7,8\n");
        IOException e = assertThrows(IOException.class, () -> CsvFiles.read(p));
        assertTrue(e.getMessage().contains("bad.csv") && e.getMessage().contains("line 3")
                && e.getMessage().contains("2 columns, expected 3"), e.getMessage());
    }

    @Test
    void nonNumericValueNamesLineAndColumn() throws IOException {
        Path p = csv("nn.csv", "a,b\n1,2\n3,x7\n");
        IOException e = assertThrows(IOException.class, () -> CsvFiles.read(p));
        assertTrue(e.getMessage().contains("nn.csv: line 3") && e.getMessage().contains("'x7'")
                && e.getMessage().contains("column 2"), e.getMessage());
    }

    @Test
    void nanAndInfinityAreRejected() throws IOException {
        IOException nan = assertThrows(IOException.class, () -> CsvFiles.read(csv("n.csv", "1,2\nNaN,3\n")));
        assertTrue(nan.getMessage().contains("line 2") && nan.getMessage().contains("NaN"), nan.getMessage());
        IOException inf = assertThrows(IOException.class, () -> CsvFiles.read(csv("i.csv", "1,-Infinity\n")));
        assertTrue(inf.getMessage().contains("non-finite"), inf.getMessage());
    }

    @Test
    void emptyFilesAndHeaderOnlyAreRejected() throws IOException {
        IOException empty = assertThrows(IOException.class, () -> CsvFiles.read(csv("e.csv", "\n  \n")));
        assertTrue(empty.getMessage().contains("e.csv") && empty.getMessage().contains("empty"), empty.getMessage());
        IOException headerOnly = assertThrows(IOException.class, () -> CsvFiles.read(csv("h.csv", "a,b,c\n")));
        assertTrue(headerOnly.getMessage().contains("no data rows"), headerOnly.getMessage());
    }

    @Test
    void shapeMismatchAndUnknownLabelColumnAreExplained() throws IOException {
        Path p = csv("s.csv", "1,2,3\n");
        IOException shape = assertThrows(IOException.class, () -> CsvFiles.read(p, null, new int[] {1, 2, 2}));
        assertTrue(shape.getMessage().contains("3 feature values") && shape.getMessage().contains("needs 4"),
                shape.getMessage());
        IOException name = assertThrows(IOException.class, () -> CsvFiles.read(csv("l.csv", "a,b\n1,2\n"), "target", null));
        assertTrue(name.getMessage().contains("no column named 'target'"), name.getMessage());
        IOException index = assertThrows(IOException.class, () -> CsvFiles.read(p, "5", null));
        assertTrue(index.getMessage().contains("outside the 3 columns"), index.getMessage());
    }

    @Test
    void writeThenReadRoundTripsExactly() throws IOException {
        float[][] rows = {{0.1f, -1e-8f, 3.4028235e38f}, {1f / 3, 2f, -0.5f}};
        Path p = tmp.resolve("out/w.csv");
        CsvFiles.write(p, rows, new String[] {"a", "b,c", "d"});
        assertTrue(Files.readString(p).startsWith("a,\"b,c\",d\n"));
        Samples s = CsvFiles.read(p);
        assertArrayEquals(new float[] {0.1f, -1e-8f, 3.4028235e38f, 1f / 3, 2f, -0.5f}, s.values());
        assertThrows(IllegalArgumentException.class, () -> CsvFiles.write(p, new float[][] {{1}, {1, 2}}, null));
    }

    @Test
    void quotedFieldsMayHoldLineBreaksAndCommasAsInRfc4180() throws IOException {
        Path p = csv("rfc.csv", "f0,f1,label\r\n1,2,\"big,\r\nred \"\"one\"\"\"\r\n3,4,small\r\n");
        Samples s = CsvFiles.read(p);
        assertEquals(List.of("big,\r\nred \"one\"", "small"), s.classNames());
        assertArrayEquals(new int[] {0, 1}, s.labels());
        assertArrayEquals(new float[] {1, 2, 3, 4}, s.values());
        // Line numbers in messages count physical lines: the bad row is line 6, after a two-line field and a blank line.
        Path bad = csv("rfc-bad.csv", "a,label\n1,\"x\ny\"\n\n2,z\nq,w\n");
        IOException e = assertThrows(IOException.class, () -> CsvFiles.read(bad));
        assertTrue(e.getMessage().contains("rfc-bad.csv: line 6") && e.getMessage().contains("'q'"), e.getMessage());
        IOException open = assertThrows(IOException.class, () -> CsvFiles.read(csv("open.csv", "a,b\n1,\"never closed\n")));
        assertTrue(open.getMessage().contains("open.csv") && open.getMessage().contains("unterminated quoted field"),
                open.getMessage());
    }

    @Test
    void aByteOrderMarkAndTheLastLineWithoutLineBreakAreHandled() throws IOException {
        Path p = csv("bom.csv", "\uFEFFx,label\n1,a\n2");
        IOException e = assertThrows(IOException.class, () -> CsvFiles.read(p));
        assertTrue(e.getMessage().contains("line 3: 1 columns, expected 2"), e.getMessage());
        Samples s = CsvFiles.read(csv("bom2.csv", "\uFEFFx,label\n1,a\n2,b"));
        assertEquals(List.of("a", "b"), s.classNames());
        IOException empty = assertThrows(IOException.class, () -> CsvFiles.read(csv("el.csv", "x,label\n1,\n")));
        assertTrue(empty.getMessage().contains("line 2: empty label"), empty.getMessage());
    }
}
