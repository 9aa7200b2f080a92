package org.contrastive4j.spark.cli;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
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
        List<String> ids = list(root.toPath());
        int partitions = Math.max(spark.sparkContext().defaultParallelism(),
                (ids.size() + FILES_PER_PARTITION - 1) / FILES_PER_PARTITION);
        JavaRDD<Row> rows = JavaSparkContext.fromSparkContext(spark.sparkContext())
                .parallelize(ids, Math.max(1, Math.min(partitions, ids.size()))).mapPartitions(LocalImages::contents);
        return spark.createDataFrame(rows, SCHEMA);
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
