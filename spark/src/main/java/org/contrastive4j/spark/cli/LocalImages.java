package org.contrastive4j.spark.cli;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A local image folder as {@code (id, content)} rows, listed on the driver and read in the tasks with plain file
 * I/O: the same rows as Spark's {@code binaryFile} source with {@code recursiveFileLookup} and
 * {@link SparkJob#IMAGE_GLOB} (ids are the files' qualified paths, {@code file:/...}; names starting with {@code .} or
 * {@code _} are skipped, as Spark skips them), without its per-file path parsing, file-system lookup, status and
 * stream objects, which cost a local job more than a third of its time on 70,000 small PNGs (measured:
 * {@code spark/src/bench/README.md}). Other file systems and globs go through {@code binaryFile}.
 */
final class LocalImages {

    /** Files per partition: several batches, and few enough tasks that their start-up cost stays small. */
    static final int FILES_PER_PARTITION = 2048;
    /** The largest Java array. */
    private static final long MAX_BYTES = Integer.MAX_VALUE - 8;
    /** The file name extensions of the images input, as they are matched: case by case, as Hadoop's glob does. */
    static final List<String> EXTENSIONS = List.of("png", "PNG", "jpg", "JPG", "jpeg", "JPEG");
    static final StructType SCHEMA = new StructType().add(SparkJob.ID, DataTypes.StringType, false)
            .add("content", DataTypes.BinaryType, true);

    private LocalImages() {}

    /** The rows of the images below {@code root} (a local directory), in path order. */
    static Dataset<Row> read(SparkSession spark, File root) throws IOException {
        return read(spark, root, null);
    }

    /**
     * The rows of the images below {@code root}, taking the file list from {@code early} when it listed the same
     * folder (else, or when it failed, listing it now, which reports the failure).
     */
    static Dataset<Row> read(SparkSession spark, File root, Listing early) throws IOException {
        Path top = root.toPath().toAbsolutePath().normalize();
        List<String> ids = early != null && early.root.equals(top) ? early.ids() : null;
        if (ids == null) {
            ids = list(top);
        }
        JavaRDD<Row> rows = JavaSparkContext.fromSparkContext(spark.sparkContext())
                .parallelize(ids, partitions(ids.size(), spark.sparkContext().defaultParallelism()))
                .mapPartitions(LocalImages::contents);
        return spark.createDataFrame(rows, SCHEMA);
    }

    /**
     * Partitions for {@code files} files on {@code slots} task slots: about {@link #FILES_PER_PARTITION} files each,
     * in whole waves of {@code slots} tasks, so that the last wave keeps every slot busy (a last wave of one task left
     * a core of {@code local[2]} idle for a whole task, ~0.6 s of a 12 s job).
     */
    static int partitions(int files, int slots) {
        int perWave = Math.max(1, slots);
        long filesPerWave = (long) FILES_PER_PARTITION * perWave;
        int waves = (int) Math.max(1, (files + filesPerWave - 1) / filesPerWave);
        return Math.max(1, Math.min(files, waves * perWave));
    }

    /**
     * A folder's listing started on a background thread before the Spark session, so that the two overlap: both take
     * about half a second on 70,000 files, and the session's start-up runs on one core.
     */
    static final class Listing {
        private final Path root;
        private final FutureTask<List<String>> ids;

        private Listing(Path root) {
            this.root = root;
            this.ids = new FutureTask<>(() -> list(root));
            Thread t = new Thread(ids, "c4j-spark-listing");
            t.setDaemon(true);
            t.start();
        }

        /** The listed ids, or null when listing failed (the caller lists again and reports why). */
        private List<String> ids() {
            try {
                return ids.get();
            } catch (ExecutionException e) {
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }

    /**
     * Starts listing {@code input} when it names a local directory (a plain path or a {@code file:} URI, not a
     * glob); null otherwise. Only a guess made before the session exists: {@link #read} uses it only for the folder
     * the job actually reads.
     */
    static Listing listEarly(String input) {
        if (input == null || SparkJob.isGlob(input)) {
            return null;
        }
        Path dir;
        try {
            dir = input.startsWith("file:") ? Path.of(URI.create(input)) : input.contains(":") ? null : Path.of(input);
        } catch (IllegalArgumentException e) {
            return null;
        }
        return dir != null && Files.isDirectory(dir) ? new Listing(dir.toAbsolutePath().normalize()) : null;
    }

    /** The qualified paths ({@code file:/...}, as Hadoop writes them) of the image files below {@code root}. */
    static List<String> list(Path root) throws IOException {
        List<String> ids = new ArrayList<>();
        Path top = root.toAbsolutePath().normalize();
        Files.walkFileTree(top, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                return !dir.equals(top) && hidden(dir) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                String name = file.getFileName().toString();
                int dot = name.lastIndexOf('.');
                if (attrs.isRegularFile() && !hidden(file) && dot > 0 && EXTENSIONS.contains(name.substring(dot + 1))) {
                    ids.add("file:" + file); // Hadoop's form of an absolute, normalised local path
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof FileSystemLoopException) {
                    return FileVisitResult.CONTINUE; // a link back up the tree: its files are listed once already
                }
                throw e;
            }
        });
        ids.sort(null);
        return ids;
    }

    private static boolean hidden(Path p) {
        String name = p.getFileName().toString();
        return name.startsWith(".") || name.startsWith("_") || name.endsWith("._COPYING_");
    }

    /** Reads each file of a partition when its row is asked for: one file's bytes in memory at a time. */
    private static Iterator<Row> contents(Iterator<String> ids) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return ids.hasNext();
            }

            @Override
            public Row next() {
                String id = ids.next();
                Path file = Path.of(id.substring("file:".length()));
                try {
                    long size = Files.size(file);
                    if (size > MAX_BYTES) { // checked before allocating, as the binaryFile source refuses it too
                        throw new IllegalStateException(String.format(Locale.ROOT, "%s: %,d bytes, over the %,d a row "
                                + "can hold", id, size, MAX_BYTES));
                    }
                    return RowFactory.create(id, Files.readAllBytes(file));
                } catch (IOException e) {
                    // as the binaryFile source does: a file that cannot be read fails the task, naming it
                    throw new UncheckedIOException(id + ": cannot read (" + e.getMessage() + ")", e);
                }
            }
        };
    }
}
