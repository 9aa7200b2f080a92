package org.contrastive4j.trainer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.contrastive4j.core.contract.RunLayout;
import org.contrastive4j.core.files.AtomicFiles;

/**
 * A run directory owned by one trainer: an OS lock on {@link RunLayout#LOCK} (which records the owner's pid, host and
 * start time) held from {@link #claim} to {@link #close}, so a second trainer on the same directory gets an error
 * naming the owner instead of interleaving its files. Claiming also enforces that a run directory is never silently
 * reused: a new run needs an empty (or absent) directory, {@link Use#OVERWRITE} first removes the files an earlier
 * run wrote, and every use deletes the temporary files a killed write left behind.
 */
public final class RunDirectory implements AutoCloseable {

    /** How the trainer means to use the directory. */
    public enum Use {
        /** A new run: the directory must be absent or empty. */
        NEW,
        /** A new run replacing an earlier one: the earlier run's files are removed first. */
        OVERWRITE,
        /** Continuing the run already there. */
        RESUME
    }

    /**
     * Lock files this JVM holds. On Linux, closing any channel of a file drops every lock this process holds on it, so
     * a directory held here is recognised without opening its lock file again.
     */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final RunLayout layout;
    private final Path key;
    private final FileChannel channel;
    private final FileLock lock;
    private final int staleTemporaries;
    private final List<Path> kept;

    private RunDirectory(RunLayout layout, Path key, FileChannel channel, FileLock lock, int staleTemporaries,
            List<Path> kept) {
        this.layout = layout;
        this.key = key;
        this.channel = channel;
        this.lock = lock;
        this.staleTemporaries = staleTemporaries;
        this.kept = kept;
    }

    /**
     * The checks {@link #claim} makes that need no lock, so that a command can refuse a directory before it loads
     * data or builds a model: a new run's directory must be absent or empty, a resumed one must hold a run.
     */
    public static void precheck(Path dir, Use use) throws IOException {
        RunLayout layout = RunLayout.of(dir);
        if (HELD.contains(key(layout))) {
            throw inUse(layout);
        }
        if (Files.isRegularFile(layout.lock())) {
            try (FileChannel channel = FileChannel.open(layout.lock(), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                FileLock probe = tryLock(channel);
                if (probe == null) {
                    throw inUse(layout);
                }
                probe.release();
            }
        }
        checkContents(layout, use);
    }

    private static void checkContents(RunLayout layout, Use use) throws IOException {
        Path dir = layout.dir();
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IOException(dir + " is a file, not a run directory");
        }
        if (use == Use.RESUME) {
            if (!Files.isRegularFile(layout.config()) || !Files.isRegularFile(layout.lastCheckpoint())) {
                throw new NoSuchFileException(dir.toString(), null,
                        "not a resumable run directory (needs config.json and checkpoints/last.ckpt)");
            }
        } else if (use == Use.NEW && Files.isDirectory(dir)) {
            List<Path> present = contents(dir);
            if (!present.isEmpty()) {
                throw new IOException("--out " + dir + " is not empty (" + describe(present) + "); pass --resume " + dir
                        + " to continue that run, --overwrite to replace it, or another --out");
            }
        }
    }

    /** Whether {@code dir} is absent or empty (but for a lock file), i.e. a new run may start there. */
    public static boolean isUnused(Path dir) throws IOException {
        return !Files.exists(dir) || (Files.isDirectory(dir) && contents(dir).isEmpty());
    }

    /** Locks {@code dir} for this trainer and prepares it for {@code use}; fails if another trainer holds it. */
    public static RunDirectory claim(Path dir, Use use) throws IOException {
        RunLayout layout = RunLayout.of(dir);
        precheck(dir, use);
        Files.createDirectories(dir);
        Path key = key(layout);
        if (!HELD.add(key)) {
            throw inUse(layout);
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(layout.lock(), StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        } catch (IOException | RuntimeException e) {
            HELD.remove(key);
            throw e;
        }
        FileLock lock = null;
        try {
            lock = tryLock(channel);
            if (lock == null) {
                throw inUse(layout);
            }
            recordOwner(channel);
            List<Path> kept = List.of();
            // again under the lock: another trainer may have used the directory meanwhile
            checkContents(layout, use);
            if (use == Use.OVERWRITE) {
                kept = removeRunFiles(layout);
            }
            int stale = AtomicFiles.deleteStaleTemporaries(dir) + AtomicFiles.deleteStaleTemporaries(layout.checkpoints())
                    + AtomicFiles.deleteStaleTemporaries(layout.reportDir());
            return new RunDirectory(layout, key, channel, lock, stale, kept);
        } catch (IOException | RuntimeException e) {
            try {
                if (lock != null) {
                    lock.release();
                }
                channel.close();
            } finally {
                HELD.remove(key);
            }
            throw e;
        }
    }

    /** The lock, or null when another process holds it. */
    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException sameJvm) {
            return null;
        }
    }

    private static IOException inUse(RunLayout layout) {
        return new IOException("run directory " + layout.dir() + " is in use by another trainer (" + owner(layout.lock())
                + "); wait for it to finish or choose another --out");
    }

    public RunLayout layout() {
        return layout;
    }

    /** Temporary files of killed writes that claiming deleted. */
    public int staleTemporaries() {
        return staleTemporaries;
    }

    /** Files {@link Use#OVERWRITE} left in place because no run writes them (the user's own files). */
    public List<Path> kept() {
        return kept;
    }

    @Override
    public void close() throws IOException {
        try {
            if (lock.isValid()) {
                lock.release();
            }
            channel.close();
        } finally {
            HELD.remove(key);
        }
    }

    /** The identity of a run directory's lock file, the same however the directory is spelled. */
    private static Path key(RunLayout layout) throws IOException {
        return AtomicFiles.realLocation(layout.dir()).resolve(RunLayout.LOCK);
    }

    private static void recordOwner(FileChannel channel) throws IOException {
        String owner = "{\"pid\": " + ProcessHandle.current().pid() + ", \"host\": \"" + host().replace("\"", "") + "\", "
                + "\"started\": \"" + Instant.now() + "\"}\n";
        // A lock file is rewritten in place: replacing it (as atomic writes do) would swap the inode others lock.
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(owner.getBytes(StandardCharsets.UTF_8)), 0);
        channel.force(false);
    }

    private static String owner(Path lockFile) {
        try (InputStream in = Files.newInputStream(lockFile)) {
            String text = new String(in.readNBytes(1024), StandardCharsets.UTF_8).trim();
            return text.isEmpty() ? "owner not recorded yet" : "owner " + text.replaceAll("\\s+", " ");
        } catch (IOException e) {
            return "owner unknown: " + e.getMessage();
        }
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            String env = System.getenv("HOSTNAME");
            return env == null ? "unknown host" : env;
        }
    }

    /** Everything in {@code dir} except the lock file. */
    private static List<Path> contents(Path dir) throws IOException {
        List<Path> present = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                if (!p.getFileName().toString().equals(RunLayout.LOCK)) {
                    present.add(p);
                }
            }
        }
        present.sort(Comparator.naturalOrder());
        return present;
    }

    private static String describe(List<Path> present) {
        List<String> names = present.stream().limit(4).map(p -> p.getFileName().toString()).toList();
        return "holds " + String.join(", ", names) + (present.size() > names.size() ? ", ..." : "");
    }

    /**
     * Deletes what a run writes: {@link RunLayout#FILES}, the checkpoints, the report folder and stale temporaries.
     * Anything else is the user's and stays.
     */
    private static List<Path> removeRunFiles(RunLayout layout) throws IOException {
        for (String name : RunLayout.FILES) {
            Files.deleteIfExists(layout.dir().resolve(name));
        }
        Path checkpoints = layout.checkpoints();
        if (Files.isDirectory(checkpoints, LinkOption.NOFOLLOW_LINKS)) {
            AtomicFiles.deleteStaleTemporaries(checkpoints);
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(checkpoints)) {
                for (Path p : entries) {
                    if (RunLayout.isCheckpoint(p.getFileName().toString())) {
                        Files.delete(p);
                    }
                }
            }
            deleteIfEmpty(checkpoints);
        }
        Path report = layout.reportDir();
        if (Files.isDirectory(report, LinkOption.NOFOLLOW_LINKS)) {
            // the report folder is the report writer's alone
            try (Stream<Path> all = Files.walk(report)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        AtomicFiles.deleteStaleTemporaries(layout.dir());
        List<Path> kept = new ArrayList<>(contents(layout.dir()));
        return List.copyOf(kept);
    }

    private static void deleteIfEmpty(Path dir) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            if (entries.iterator().hasNext()) {
                return;
            }
        }
        Files.delete(dir);
    }
}
