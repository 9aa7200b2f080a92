package org.contrastive4j.spark.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.contrastive4j.spark.TestSpark;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Spark's own binaryFile source is the oracle: the same rows, ids and bytes, for odd names and hidden entries. */
class LocalImagesTest {

    @Test
    void aLocalFolderReadsLikeTheBinaryFileSource(@TempDir Path dir) throws IOException {
        String[] names = {"a.png", "b.JPG", "c.jpeg", "name with spaces & a:colon.png", "sub/d.png", "sub/deeper/e.PNG",
            ".hidden.png", "_skipped.png", "sub/_private/f.png", ".git/g.png", "notes.txt", "h.Png", "i.png._COPYING_",
            "unicode-\u00e9t\u00e9.jpg"};
        for (int i = 0; i < names.length; i++) {
            Path p = dir.resolve(names[i]);
            Files.createDirectories(p.getParent());
            Files.write(p, new byte[] {(byte) i, 1, 2, 3});
        }
        Files.createSymbolicLink(dir.resolve("sub/link.png"), dir.resolve("a.png"));

        Map<String, byte[]> expected = TestSpark.session().read().format("binaryFile")
                .option("pathGlobFilter", SparkJob.IMAGE_GLOB).option("recursiveFileLookup", "true").load(dir.toString())
                .select("path", "content").collectAsList().stream()
                .collect(Collectors.toMap(r -> r.getString(0), r -> (byte[]) r.get(1)));
        List<Row> got = LocalImages.read(TestSpark.session(), dir.toFile()).collectAsList();

        assertEquals(expected.keySet(), got.stream().map(r -> r.getString(0)).collect(Collectors.toSet()));
        assertEquals(expected.size(), got.size(), "each file once");
        for (Row r : got) {
            assertArrayEquals(expected.get(r.getString(0)), (byte[]) r.get(1), r.getString(0));
        }
        // a, b, c, the spaces-and-colon one, sub/d, sub/deeper/e, the accented one and the link to a
        assertEquals(8, got.size());
    }

    @Test
    void aLinkBackUpTheTreeIsListedOnceInsteadOfLooping(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("sub/deeper"));
        Files.write(dir.resolve("sub/deeper/x.png"), new byte[] {1});
        Files.createSymbolicLink(dir.resolve("sub/deeper/loop"), dir.resolve("sub"));
        assertEquals(List.of("file:" + dir.resolve("sub/deeper/x.png").toAbsolutePath()), LocalImages.list(dir));
    }

    @Test
    void partitionsComeInWholeWavesOfTheSlots() {
        // 70,000 files on 2 slots: 18 waves of 2 tasks (1,945 files each), not 35 tasks with a last wave of one
        assertEquals(36, LocalImages.partitions(70_000, 2));
        assertEquals(2, LocalImages.partitions(4_096, 2));
        assertEquals(4, LocalImages.partitions(4_097, 2));
        assertEquals(8, LocalImages.partitions(100, 8), "at least one task per slot");
        assertEquals(3, LocalImages.partitions(3, 8), "never more tasks than files");
        assertEquals(1, LocalImages.partitions(0, 4), "an empty folder is one empty partition");
    }

    @Test
    void aListingStartedBeforeTheSessionGivesTheSameRowsAndIsOnlyUsedForItsOwnFolder(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("a"));
        Files.createDirectories(dir.resolve("b"));
        Files.write(dir.resolve("a/x.png"), new byte[] {1});
        Files.write(dir.resolve("b/y.png"), new byte[] {2});
        LocalImages.Listing early = LocalImages.listEarly(dir.resolve("a").toString());
        Files.write(dir.resolve("a/z.png"), new byte[] {3}); // may or may not be in the early listing: no assertion on it

        List<Row> a = LocalImages.read(TestSpark.session(), dir.resolve("a").toFile(), early).collectAsList();
        assertEquals("file:" + dir.resolve("a/x.png").toAbsolutePath(), a.get(0).getString(0));
        List<Row> b = LocalImages.read(TestSpark.session(), dir.resolve("b").toFile(), early).collectAsList();
        assertEquals(List.of("file:" + dir.resolve("b/y.png").toAbsolutePath()), b.stream().map(r -> r.getString(0)).toList(),
                "another folder than the one listed early is listed itself");

        assertEquals(null, LocalImages.listEarly(dir.resolve("a") + "/*.png"), "a glob");
        assertEquals(null, LocalImages.listEarly("hdfs://namenode/images"), "another file system");
        assertEquals(null, LocalImages.listEarly(dir.resolve("missing").toString()), "not a directory");
        assertEquals(null, LocalImages.listEarly(null));
    }
}
