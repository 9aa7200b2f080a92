package org.contrastive4j.spark;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.spark.SparkFiles;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A model or index file on its way to the executors: read once on the driver (from any path Spark can read), hashed,
 * and broadcast, so every executor fetches it once (BitTorrent-style, from the driver and its peers) and writes it
 * once to its local disk ({@link #local()}), whatever the number of tasks. The SHA-256 is the file's identity: it
 * keys the per-JVM session and index caches and is checked against the written copy.
 */
final class ShippedFile implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ShippedFile.class);

    /** Driver side: one broadcast per (application, file version). */
    private static final Map<String, ShippedFile> SHIPPED = new ConcurrentHashMap<>();
    /** Any JVM: where each shipped file (by SHA-256) was written locally. */
    private static final Map<String, Path> LOCAL = new ConcurrentHashMap<>();

    private final String source;
    private final String name;
    private final String sha256;
    private final long length;
    private final Broadcast<byte[]> bytes;

    private ShippedFile(String source, String name, String sha256, long length, Broadcast<byte[]> bytes) {
        this.source = source;
        this.name = name;
        this.sha256 = sha256;
        this.length = length;
        this.bytes = bytes;
    }

    /**
     * Ships {@code path} (read on the driver; {@code what} names it in messages, e.g. "model"). The same file
     * version is broadcast once per application.
     */
    static ShippedFile ship(SparkSession spark, String path, String what) throws IOException {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        FileStatus st = HadoopFiles.status(path, conf);
        if (st == null) {
            throw new IOException(path + ": " + what + " not found");
        }
        String key = spark.sparkContext().applicationId() + "|" + st.getPath() + "|" + st.getLen() + "|" + st.getModificationTime();
        ShippedFile cached = SHIPPED.get(key);
        if (cached != null) {
            return cached;
        }
        byte[] data = HadoopFiles.readAll(path, conf, what);
        String sha = sha256(data);
        Broadcast<byte[]> b = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(data);
        ShippedFile shipped = new ShippedFile(path, HadoopFiles.fileName(path), sha, data.length, b);
        SHIPPED.put(key, shipped);
        return shipped;
    }

    /** The path the file was shipped from, as the user gave it. */
    String source() {
        return source;
    }

    String name() {
        return name;
    }

    String sha256() {
        return sha256;
    }

    long length() {
        return length;
    }

    /** The file's bytes (on an executor: fetched once per JVM). */
    byte[] bytes() {
        return bytes.value();
    }

    /**
     * This JVM's local copy (written on first use, under Spark's per-application file directory, and checked against
     * the SHA-256). Thread-safe; concurrent first uses write it once.
     */
    Path local() throws IOException {
        Path p = LOCAL.get(sha256);
        if (p != null && Files.isRegularFile(p)) {
            return p;
        }
        synchronized (LOCAL) {
            p = LOCAL.get(sha256);
            if (p != null && Files.isRegularFile(p)) {
                return p;
            }
            byte[] data = bytes();
            String got = sha256(data);
            if (!got.equals(sha256)) {
                throw new IOException(source + ": shipped copy has SHA-256 " + got + ", expected " + sha256);
            }
            Path dir = localRoot().resolve("c4j-" + sha256.substring(0, 16));
            Files.createDirectories(dir);
            Path file = dir.resolve(name.isEmpty() ? "file" : name);
            Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
            try {
                Files.write(tmp, data);
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
            LOG.debug("{}: local copy {}", source, file);
            LOCAL.put(sha256, file);
            return file;
        }
    }

    private static Path localRoot() {
        try {
            return Path.of(SparkFiles.getRootDirectory());
        } catch (RuntimeException e) {
            // No SparkEnv (a unit test calling the transformer's helpers directly): the JVM's temp directory.
            return Path.of(System.getProperty("java.io.tmpdir"));
        }
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    @Override
    public String toString() {
        return source + " (" + length + " bytes, sha256 " + sha256.substring(0, 12) + ")";
    }
}
