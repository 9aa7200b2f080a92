package org.contrastive4j.core.files;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.regex.Pattern;

/**
 * Writes files so that readers only ever see the old file or the complete new one: the content goes to a temporary
 * file in the same directory, is forced to disk, and is then renamed over the target. On failure the temporary file
 * is deleted and the target is left untouched.
 */
public final class AtomicFiles {

    /** Produces the content of a file. */
    @FunctionalInterface
    public interface Writer {
        void write(OutputStream out) throws IOException;
    }

    /** Produces a file at a given (temporary) path, for libraries that insist on writing a path themselves. */
    @FunctionalInterface
    public interface PathWriter {
        void write(Path temporary) throws IOException;
    }

    /** The names {@link #writePath} gives its temporary files: {@code .<target name>.<random digits>.tmp}. */
    private static final Pattern TEMPORARY = Pattern.compile("\\..+\\.\\d+\\.tmp");

    private AtomicFiles() {}

    public static void write(Path target, Writer writer) throws IOException {
        writePath(target, tmp -> {
            try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                writer.write(out);
            }
        });
    }

    public static void writeBytes(Path target, byte[] bytes) throws IOException {
        write(target, out -> out.write(bytes));
    }

    public static void writeString(Path target, String text) throws IOException {
        writeBytes(target, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Deletes the temporary files that writes into {@code dir} left behind when their process was killed before the
     * rename ({@code .NAME.RANDOM.tmp}). Call it only while no other process writes there (e.g. holding a lock).
     *
     * @return how many were deleted
     */
    public static int deleteStaleTemporaries(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        int deleted = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                if (TEMPORARY.matcher(f.getFileName().toString()).matches() && Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                    Files.deleteIfExists(f);
                    deleted++;
                }
            }
        }
        return deleted;
    }

    /**
     * Refuses to write {@code output} when it is one of {@code inputs}: a command never overwrites what it reads.
     * Compared by file identity ({@link Files#isSameFile}: symbolic links, hard links) and by real location, which
     * also catches an output not existing under its spelling yet that lands on an input once written (e.g.
     * {@code dir/new/../in.ckpt}: writing creates {@code new} and then replaces {@code dir/in.ckpt}).
     *
     * @param flag how the user named the output, e.g. {@code --out}
     */
    public static void requireNotAnInput(Path output, String flag, Path... inputs) throws IOException {
        for (Path in : inputs) {
            if (in != null && wouldOverwrite(output, in)) {
                throw new IllegalArgumentException(flag + " " + output + " is the input file " + in
                        + "; writing it would destroy the input: choose another " + flag);
            }
        }
    }

    /**
     * Whether writing {@code output} would replace the existing file {@code input}: the same file by identity, or
     * the same real location (see {@link #requireNotAnInput}). The one definition of that check.
     */
    public static boolean wouldOverwrite(Path output, Path input) throws IOException {
        return Files.exists(input) && (realLocation(input).equals(realLocation(output))
                || (Files.exists(output) && Files.isSameFile(input, output)));
    }

    /**
     * Where a path really points, whether or not it exists yet: the real path of the file, or that of its nearest
     * existing parent followed by the rest, so that two spellings of one location compare equal.
     */
    public static Path realLocation(Path p) throws IOException {
        Path abs = p.toAbsolutePath().normalize();
        if (Files.exists(abs)) {
            return abs.toRealPath();
        }
        Path parent = abs.getParent();
        return parent == null ? abs : realLocation(parent).resolve(abs.getFileName());
    }

    public static void writePath(Path target, PathWriter writer) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + absolute.getFileName() + ".", ".tmp");
        boolean done = false;
        try {
            // createTempFile makes the file owner-only; the artifacts we write (models, indexes, reports) are meant to be shared.
            if (Files.getFileAttributeView(tmp, PosixFileAttributeView.class) != null) {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            }
            writer.write(tmp);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            try {
                Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
            done = true;
        } finally {
            if (!done) {
                Files.deleteIfExists(tmp);
            }
        }
    }
}
