package org.contrastive4j.spark;

import java.io.DataOutput;
import java.io.EOFException;
import java.io.File;
import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.fs.BufferedFSInputStream;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * Hadoop's raw local file system ({@code file:}) with the per-file costs of reading many small files taken out:
 * one {@code stat} per file status instead of five, permissions read only when asked for, and read buffers no larger
 * than the file. Spark lists, stats and opens every image of a {@code binaryFile} input through the file system; on
 * 70,000 images of 300 bytes those costs were larger than decoding them (profiled: {@code spark/src/bench}).
 *
 * <p>Everything else (writing, renaming, deleting, symbolic links) is {@link RawLocalFileSystem}'s own, so Spark's
 * committers behave exactly as with it. {@code c4j spark} installs it for {@code file:} paths; a Spark job can too:
 * {@code --conf spark.hadoop.fs.file.impl=org.contrastive4j.spark.LeanLocalFileSystem}. On a file system without
 * POSIX attributes (Windows) it is {@link RawLocalFileSystem} unchanged.
 */
public class LeanLocalFileSystem extends RawLocalFileSystem {

    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    /** Smallest read buffer, so that a file that grows after its length was read is still read in sensible steps. */
    private static final int MIN_BUFFER = 512;

    @Override
    public FileStatus getFileStatus(Path f) throws IOException {
        if (!POSIX) {
            return super.getFileStatus(f);
        }
        File file = pathToFile(f);
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(file.toPath(), BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new FileNotFoundException("File " + f + " does not exist");
        }
        // A path that is already absolute and qualified is what Hadoop would rebuild from the file's name (Path
        // normalises like File): keep it instead of parsing it twice more.
        boolean qualified = "file".equals(f.toUri().getScheme()) && f.isUriPathAbsolute();
        return status(qualified ? f : qualify(file), a);
    }

    @Override
    public FileStatus[] listStatus(Path f) throws IOException {
        if (!POSIX) {
            return super.listStatus(f);
        }
        File dir = pathToFile(f);
        Path parent = qualify(dir);
        String prefix = parent.toUri().getPath().endsWith("/") ? parent.toUri().getPath() : parent.toUri().getPath() + "/";
        List<FileStatus> out = new ArrayList<>();
        try (var entries = Files.newDirectoryStream(dir.toPath())) {
            for (var e : entries) {
                try {
                    BasicFileAttributes a = Files.readAttributes(e, BasicFileAttributes.class);
                    // the three-argument constructor takes the name as it is, colons included, as Hadoop's listing does
                    out.add(status(new Path(parent.toUri().getScheme(), parent.toUri().getAuthority(),
                            prefix + e.getFileName()), a));
                } catch (NoSuchFileException gone) {
                    // removed (or a dangling link) since the directory was read: not listed, as Hadoop does
                }
            }
        } catch (NotDirectoryException e) {
            return new FileStatus[] {getFileStatus(f)};
        } catch (NoSuchFileException e) {
            throw new FileNotFoundException("File " + f + " does not exist");
        }
        return out.toArray(new FileStatus[0]);
    }

    @Override
    public FSDataInputStream open(Path f, int bufferSize) throws IOException {
        if (!POSIX) {
            return super.open(f, bufferSize);
        }
        File file = pathToFile(f);
        FileInputStream in;
        try {
            in = new FileInputStream(file);
        } catch (FileNotFoundException e) {
            throw file.exists() ? e : new FileNotFoundException("File " + f + " does not exist");
        }
        long length = file.length();
        int buffer = (int) Math.max(MIN_BUFFER, Math.min(bufferSize, length));
        return new FSDataInputStream(new BufferedFSInputStream(new LocalInput(in), buffer));
    }

    private Path qualify(File file) {
        return new Path(file.getPath()).makeQualified(getUri(), getWorkingDirectory());
    }

    private FileStatus status(Path path, BasicFileAttributes a) {
        return new LazyPermissionStatus(a.size(), a.isDirectory(), getDefaultBlockSize(path),
                a.lastModifiedTime().toMillis(), a.lastAccessTime().toMillis(), path);
    }

    /** A file status whose permission, owner and group are read from the file the first time one is asked for. */
    static final class LazyPermissionStatus extends FileStatus {
        private static final long serialVersionUID = 1L;
        /** rwxrwxrwx, from the highest bit of the mode down. */
        private static final PosixFilePermission[] MODE_BITS = {PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE};
        private boolean loaded;

        LazyPermissionStatus(long length, boolean dir, long blockSize, long modified, long accessed, Path path) {
            super(length, dir, 1, blockSize, modified, accessed, null, null, null, path);
        }

        @Override
        public FsPermission getPermission() {
            load();
            return super.getPermission();
        }

        @Override
        public String getOwner() {
            load();
            return super.getOwner();
        }

        @Override
        public String getGroup() {
            load();
            return super.getGroup();
        }

        @Override
        public void write(DataOutput out) throws IOException {
            load();
            super.write(out);
        }

        private synchronized void load() {
            if (loaded) {
                return;
            }
            try {
                PosixFileAttributes p = Files.readAttributes(new File(getPath().toUri().getPath()).toPath(),
                        PosixFileAttributes.class);
                setPermission(new FsPermission((short) mode(p.permissions())));
                setOwner(p.owner().getName());
                setGroup(p.group().getName());
            } catch (IOException e) {
                // as Hadoop's own status does when the file went away: no permission information
                setPermission(null);
                setOwner(null);
                setGroup(null);
            }
            loaded = true;
        }

        private static int mode(Set<PosixFilePermission> permissions) {
            int mode = 0;
            for (int bit = 0; bit < MODE_BITS.length; bit++) {
                if (permissions.contains(MODE_BITS[bit])) {
                    mode |= 1 << (MODE_BITS.length - 1 - bit);
                }
            }
            return mode;
        }
    }

    /** Reads a local file, counting the bytes in this file system's statistics, as Hadoop's own stream does. */
    private final class LocalInput extends FSInputStream {
        private final FileInputStream in;
        private long position;

        LocalInput(FileInputStream in) {
            this.in = in;
        }

        @Override
        public void seek(long pos) throws IOException {
            if (pos < 0) {
                throw new EOFException("Cannot seek to a negative offset");
            }
            in.getChannel().position(pos);
            position = pos;
        }

        @Override
        public long getPos() {
            return position;
        }

        @Override
        public boolean seekToNewSource(long targetPos) {
            return false;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                position++;
                statistics.incrementBytesRead(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            validatePositionedReadArgs(position, b, off, len);
            int n = in.read(b, off, len);
            if (n > 0) {
                position += n;
                statistics.incrementBytesRead(n);
            }
            return n;
        }

        @Override
        public int read(long pos, byte[] b, int off, int len) throws IOException {
            validatePositionedReadArgs(pos, b, off, len);
            if (len == 0) {
                return 0;
            }
            int n = in.getChannel().read(ByteBuffer.wrap(b, off, len), pos);
            if (n > 0) {
                statistics.incrementBytesRead(n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = in.skip(n);
            if (skipped > 0) {
                position += skipped;
            }
            return skipped;
        }

        @Override
        public int available() throws IOException {
            return in.available();
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
