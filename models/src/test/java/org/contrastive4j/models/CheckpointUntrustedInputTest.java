package org.contrastive4j.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.sun.management.ThreadMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint is untrusted input: crafted sizes, names and versions fail fast, in bounded memory, with one line that
 * names the file; entries nobody asked for are never read.
 */
class CheckpointUntrustedInputTest {

    /** Well above what these loads need, far below the gigabytes a crafted entry claims. */
    static final long MEMORY_BOUND = 64L << 20;
    static final long GIB3 = 3L << 30;

    @TempDir
    Path dir;

    /** The entries of a real, small checkpoint (spec, params, provenance, format), by name. */
    Map<String, byte[]> good;

    @BeforeAll
    static void engine() {
        DjlRuntime.engine();
    }

    @BeforeEach
    void writeGood() throws IOException {
        ModelSpec spec = ModelSpec.mlp(6, new int[] {5}, 4);
        Path file = dir.resolve("good.ckpt");
        try (NDManager m = NDManager.newBaseManager()) {
            ModelCheckpoint.save(file, spec, Encoders.build(spec).initialize(m), Map.of("c4j.loss", "supcon"), null);
        }
        good = new LinkedHashMap<>();
        try (ZipFile z = new ZipFile(file.toFile())) {
            Enumeration<? extends ZipEntry> all = z.entries();
            while (all.hasMoreElements()) {
                ZipEntry e = all.nextElement();
                good.put(e.getName(), z.getInputStream(e).readAllBytes());
            }
        }
    }

    /** A zip of the good entries with {@code name} replaced (or added) by {@code entry}; null drops nothing. */
    Path crafted(String file, CraftedZip.Entry entry) throws IOException {
        CraftedZip zip = new CraftedZip();
        for (Map.Entry<String, byte[]> e : good.entrySet()) {
            if (entry == null || !e.getKey().equals(entry.name())) {
                zip.add(e.getKey(), e.getValue());
            }
        }
        if (entry != null) {
            zip.add(entry);
        }
        Path p = dir.resolve(file);
        zip.write(p);
        return p;
    }

    /** Runs {@code action} and returns the heap bytes this thread allocated meanwhile. */
    static long allocatedBy(ThrowingRunnable action) throws Exception {
        ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = mx.getCurrentThreadAllocatedBytes();
        action.run();
        return mx.getCurrentThreadAllocatedBytes() - before;
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    static void load(Path p) throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            ModelCheckpoint.load(p, m, Map.of("optimizer.ndlist", 1L << 20));
        }
    }

    static void assertOneLineNaming(IOException e, Path file, String text) {
        String msg = e.getMessage();
        assertTrue(msg.contains(file.toString()), "names the file: " + msg);
        assertTrue(msg.contains(text), msg);
        assertEquals(1, msg.lines().count(), msg);
    }

    @Test
    void theGoodCheckpointRewrittenByTheCrafterLoads() throws Exception {
        // the control: the crafted writer produces zips that load, so the failures below are about what was changed
        Path p = crafted("control.ckpt", null);
        load(p);
        assertTrue(good.containsKey(ModelCheckpoint.FORMAT) && new String(good.get(ModelCheckpoint.FORMAT),
                StandardCharsets.UTF_8).equals("2"), "format_version entry holds 2");
    }

    @Test
    void aFourMegabyteZipWithAThreeGibParamsEntryFailsFastInBoundedMemory() throws Exception {
        byte[] deflated = CraftedZip.zeros(3072);
        assertTrue(deflated.length < 4 << 20, "the crafted entry is " + deflated.length + " bytes");
        Path p = crafted("bomb.ckpt", new CraftedZip.Entry(ModelCheckpoint.PARAMS, deflated, GIB3, 0));
        assertTrue(Files.size(p) < 4 << 20);
        IOException[] thrown = new IOException[1];
        long allocated = allocatedBy(() -> thrown[0] = assertThrows(IOException.class, () -> load(p)));
        assertOneLineNaming(thrown[0], p, "model.params declares 3221225472 bytes");
        assertTrue(allocated < MEMORY_BOUND, "allocated " + allocated + " bytes");
    }

    @Test
    void anEntryWhoseHeaderUnderstatesItsSizeIsStoppedWhileInflating() throws Exception {
        // 64 MiB of zeros declared as 200 bytes: the header check passes, the inflating check must stop it
        Path p = crafted("liar.ckpt", new CraftedZip.Entry(ModelCheckpoint.SPEC, CraftedZip.zeros(64), 200, 0));
        IOException[] thrown = new IOException[1];
        long allocated = allocatedBy(() -> thrown[0] = assertThrows(IOException.class, () -> load(p)));
        assertOneLineNaming(thrown[0], p, "spec.json inflates to more than its declared 200 bytes");
        assertTrue(allocated < MEMORY_BOUND, "allocated " + allocated + " bytes");
    }

    @Test
    void aHugeEntryNobodyAskedForIsNeverRead() throws Exception {
        Path p = crafted("junk.ckpt", new CraftedZip.Entry("junk.bin", CraftedZip.zeros(3072), GIB3, 0));
        long allocated = allocatedBy(() -> load(p));
        assertTrue(allocated < MEMORY_BOUND, "allocated " + allocated + " bytes");
    }

    @Test
    void anAskedForExtraBeyondItsLimitIsRefused() throws Exception {
        Path p = crafted("opt.ckpt", new CraftedZip.Entry("optimizer.ndlist", CraftedZip.zeros(8), 8L << 20, 0));
        assertOneLineNaming(assertThrows(IOException.class, () -> load(p)), p, "optimizer.ndlist declares 8388608 bytes");
    }

    @Test
    void entryNamesAreCheckedNeverResolved() throws Exception {
        for (String name : new String[] {"../evil", "a/b", "/abs", "back\\slash", ".hidden", "ctl\u0001"}) {
            Path p = crafted("name.ckpt", new CraftedZip.Entry(name, CraftedZip.deflate(new byte[] {1}), 1, 0));
            IOException e = assertThrows(IOException.class, () -> load(p), name);
            assertOneLineNaming(e, p, "unexpected name");
            assertTrue(Files.notExists(dir.resolve("evil")) && Files.notExists(dir.getParent().resolve("evil")));
        }
        CraftedZip twice = new CraftedZip();
        good.forEach(twice::add);
        twice.add(ModelCheckpoint.SPEC, good.get(ModelCheckpoint.SPEC));
        Path p = dir.resolve("twice.ckpt");
        twice.write(p);
        assertOneLineNaming(assertThrows(IOException.class, () -> load(p)), p, "two zip entries named 'spec.json'");
    }

    @Test
    void aFutureFormatVersionIsRefusedNamingFileAndVersion() throws Exception {
        Path p = crafted("future.ckpt", new CraftedZip.Entry(ModelCheckpoint.FORMAT, CraftedZip.deflate(new byte[] {'3'}), 1, 0));
        IOException e = assertThrows(IOException.class, () -> load(p));
        assertOneLineNaming(e, p, "format version 3");
        Path junk = crafted("nan.ckpt", new CraftedZip.Entry(ModelCheckpoint.FORMAT, CraftedZip.deflate(new byte[] {'x'}), 1, 0));
        assertOneLineNaming(assertThrows(IOException.class, () -> load(junk)), junk, "not a number");
    }

    @Test
    void anArrayHeaderClaimingGigabytesIsRefusedBeforeDjlAllocatesIt() throws Exception {
        byte[] params = good.get(ModelCheckpoint.PARAMS).clone();
        // the first array's data length field: the 4 bytes before its data; find it from the first "NDAR" header
        int at = indexOf(params, new byte[] {0, 4, 'N', 'D', 'A', 'R'});
        assertTrue(at >= 0);
        int lengthField = firstLengthField(params, at);
        params[lengthField] = 0x7f; // ~2 GiB
        Path p = dir.resolve("array.ckpt");
        CraftedZip zip = new CraftedZip();
        good.forEach((k, v) -> zip.add(k, k.equals(ModelCheckpoint.PARAMS) ? params : v));
        zip.write(p);
        IOException[] thrown = new IOException[1];
        long allocated = allocatedBy(() -> thrown[0] = assertThrows(IOException.class, () -> load(p)));
        assertOneLineNaming(thrown[0], p, "data bytes for");
        assertTrue(allocated < MEMORY_BOUND, "allocated " + allocated + " bytes");
    }

    /** Offset of the int data length of the array whose header starts at {@code at} (layout of DJL's NDSerializer v3). */
    private static int firstLengthField(byte[] b, int at) {
        // Walks the header as DJL's NDSerializer writes it, independent of the code under test:
        // "NDAR", version 3, has-name byte (+name), sparse, dtype, shape (ndim, dims, layout), byte order, length.
        ByteBuffer in = ByteBuffer.wrap(b, at + 6, b.length - at - 6);
        int version = in.getInt();
        assertEquals(3, version);
        if (in.get() == 1) {
            skipUtf(in);
        }
        skipUtf(in);
        skipUtf(in);
        int dims = in.getInt();
        in.position(in.position() + 8 * dims);
        int layout = in.getInt();
        in.position(in.position() + 2 * layout + 1);
        return in.position();
    }

    private static void skipUtf(ByteBuffer in) {
        int len = in.getShort() & 0xffff;
        in.position(in.position() + len);
    }

    private static int indexOf(byte[] b, byte[] m) {
        outer:
        for (int i = 0; i <= b.length - m.length; i++) {
            for (int k = 0; k < m.length; k++) {
                if (b[i + k] != m[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
