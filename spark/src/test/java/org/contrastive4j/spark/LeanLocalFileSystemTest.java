package org.contrastive4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hadoop's own {@link RawLocalFileSystem} is the oracle: the lean one must answer exactly as it does. */
class LeanLocalFileSystemTest {

    @TempDir
    static File root;
    static FileSystem raw;
    static String dir;
    static FileSystem lean;
    static byte[] bytes;

    @BeforeAll
    static void files() throws IOException {
        dir = root.getAbsolutePath();
        Configuration conf = new Configuration(false);
        raw = new RawLocalFileSystem();
        raw.initialize(raw.getUri(), conf);
        lean = new LeanLocalFileSystem();
        lean.initialize(lean.getUri(), conf);
        bytes = new byte[100_000];
        new Random(7).nextBytes(bytes);
        Files.write(new File(root, "big.bin").toPath(), bytes);
        Files.writeString(new File(root, "name with spaces & a:colon.png").toPath(), "png?", StandardCharsets.UTF_8);
        Files.writeString(new File(root, "private.txt").toPath(), "x", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(new File(root, "private.txt").toPath(), PosixFilePermissions.fromString("rw-r-----"));
        Files.createDirectory(new File(root, "sub").toPath());
        Files.createSymbolicLink(new File(root, "link.bin").toPath(), new File(root, "big.bin").toPath());
    }

    @Test
    void fileStatusesEqualHadoopsFieldByField() throws IOException {
        for (String name : new String[] {"big.bin", "name with spaces & a:colon.png", "private.txt", "sub", "link.bin"}) {
            Path p = new Path(new Path(root.toURI().toString()), new Path(null, null, name));
            assertSameStatus(raw.getFileStatus(p), lean.getFileStatus(p));
        }
        Path unqualified = new Path(dir + "/big.bin"); // no scheme: qualified like Hadoop does
        assertSameStatus(raw.getFileStatus(unqualified), lean.getFileStatus(unqualified));
    }

    @Test
    void listingsEqualHadoopsIncludingOddNamesAndADirectory() throws IOException {
        Path d = new Path(dir);
        FileStatus[] expected = raw.listStatus(d);
        FileStatus[] got = lean.listStatus(d);
        Arrays.sort(expected, Comparator.comparing(s -> s.getPath().toString()));
        Arrays.sort(got, Comparator.comparing(s -> s.getPath().toString()));
        assertEquals(expected.length, got.length);
        for (int i = 0; i < expected.length; i++) {
            assertSameStatus(expected[i], got[i]);
        }
        Path file = new Path(dir + "/big.bin");
        assertSameStatus(raw.listStatus(file)[0], lean.listStatus(file)[0]);
    }

    @Test
    void missingPathsFailWithHadoopsMessage() {
        Path missing = new Path(dir + "/missing.png");
        for (ThrowingCall c : new ThrowingCall[] {fs -> fs.getFileStatus(missing), fs -> fs.listStatus(missing),
            fs -> fs.open(missing)}) {
            String expected = assertThrows(FileNotFoundException.class, () -> c.call(raw)).getMessage();
            assertEquals(expected, assertThrows(FileNotFoundException.class, () -> c.call(lean)).getMessage());
        }
    }

    @Test
    void readsSeeksAndPositionalReadsGiveTheFilesBytes() throws IOException {
        Path p = new Path(dir + "/big.bin");
        try (FSDataInputStream in = lean.open(p, 65536)) {
            assertArrayEquals(bytes, in.readAllBytes());
            in.seek(12_345);
            assertEquals(12_345, in.getPos());
            assertEquals(bytes[12_345], (byte) in.read());
            byte[] part = new byte[1000];
            in.readFully(90_000, part);
            assertArrayEquals(Arrays.copyOfRange(bytes, 90_000, 91_000), part);
            assertEquals(12_346, in.getPos(), "a positional read leaves the position alone");
        }
        Path small = new Path(dir + "/name with spaces & a:colon.png");
        try (FSDataInputStream in = lean.open(small, 65536)) {
            assertEquals("png?", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private static void assertSameStatus(FileStatus expected, FileStatus got) {
        String at = expected.getPath().toString();
        assertEquals(expected.getPath(), got.getPath(), at);
        assertEquals(expected.getLen(), got.getLen(), at);
        assertEquals(expected.isDirectory(), got.isDirectory(), at);
        assertEquals(expected.getModificationTime(), got.getModificationTime(), at);
        assertEquals(expected.getBlockSize(), got.getBlockSize(), at);
        assertEquals(expected.getReplication(), got.getReplication(), at);
        assertEquals(expected.getPermission(), got.getPermission(), at);
        assertEquals(expected.getOwner(), got.getOwner(), at);
        assertEquals(expected.getGroup(), got.getGroup(), at);
    }

    @FunctionalInterface
    private interface ThrowingCall {
        Object call(FileSystem fs) throws IOException;
    }
}
