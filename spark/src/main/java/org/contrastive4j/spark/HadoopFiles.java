package org.contrastive4j.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Files addressed the way Spark addresses them (a local path, {@code file:}, {@code hdfs:}, {@code s3a:} ... URI),
 * through Hadoop's {@link FileSystem}: the one place that uses Hadoop's {@link Path}.
 */
final class HadoopFiles {

    /** Files larger than this cannot be held in one array (a model that large keeps its weights in ONNX external data files). */
    static final long MAX_BYTES = Integer.MAX_VALUE - 64;

    private HadoopFiles() {}

    /** Status of {@code path}, or {@code null} when it does not exist. */
    static FileStatus status(String path, Configuration conf) throws IOException {
        Path p = new Path(path);
        FileSystem fs = p.getFileSystem(conf);
        return fs.exists(p) ? fs.getFileStatus(p) : null;
    }

    static String fileName(String path) {
        return new Path(path).getName();
    }

    static String child(String dir, String name) {
        return new Path(dir, name).toString();
    }

    /** Reads a whole file, refusing directories and files over {@link #MAX_BYTES} before reading. */
    static byte[] readAll(String path, Configuration conf, String what) throws IOException {
        Path p = new Path(path);
        FileSystem fs = p.getFileSystem(conf);
        if (!fs.exists(p)) {
            throw new IOException(path + ": " + what + " not found");
        }
        FileStatus st = fs.getFileStatus(p);
        if (st.isDirectory()) {
            throw new IOException(path + ": " + what + " is a directory, expected a file");
        }
        if (st.getLen() > MAX_BYTES) {
            throw new IOException(path + ": " + what + " of " + st.getLen() + " bytes is over the 2 GB that can be broadcast");
        }
        byte[] bytes = new byte[(int) st.getLen()];
        try (InputStream in = fs.open(p)) {
            int off = 0;
            while (off < bytes.length) {
                int n = in.read(bytes, off, bytes.length - off);
                if (n < 0) {
                    throw new IOException(path + ": " + what + " ended after " + off + " of " + bytes.length + " bytes");
                }
                off += n;
            }
        }
        return bytes;
    }

    /**
     * Writes {@code bytes} to {@code path} atomically (a temporary sibling renamed into place; parent folders
     * created), refusing to replace an existing file.
     */
    static void write(String path, byte[] bytes, Configuration conf) throws IOException {
        Path p = new Path(path);
        FileSystem fs = p.getFileSystem(conf);
        Path tmp = new Path(p.getParent(), "." + p.getName() + "." + UUID.randomUUID() + ".tmp");
        try {
            try (OutputStream out = fs.create(tmp, false)) {
                out.write(bytes);
            }
            if (!fs.rename(tmp, p)) {
                throw new IOException(path + ": could not move the written file into place (does it exist already?)");
            }
        } finally {
            fs.delete(tmp, false);
        }
    }
}
