package org.contrastive4j.core.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * CIFAR-10 and CIFAR-100 in their "binary version" format, as {@code [3, 32, 32]} samples in [0, 1].
 *
 * <p>CIFAR-10: {@code data_batch_1.bin .. data_batch_5.bin} (train) and {@code test_batch.bin}, records of one label
 * byte then 3,072 pixel bytes (1,024 red, 1,024 green, 1,024 blue, each plane row-major, which is already
 * channel-first). CIFAR-100: {@code train.bin} / {@code test.bin}, records of a coarse and a fine label byte then
 * the pixels; the fine (100-class) label is used. Class names come from {@code batches.meta.txt} /
 * {@code fine_label_names.txt} next to the data when present (otherwise the standard CIFAR-10 names, or "0".."99").
 * A directory may be the batches folder itself or its parent (holding {@code cifar-10-batches-bin} or
 * {@code cifar-100-binary}).
 */
public final class CifarBinary {

    public static final int PIXELS = 3 * 32 * 32;
    public static final List<String> CIFAR10_CLASS_NAMES = List.of("airplane", "automobile", "bird", "cat", "deer",
            "dog", "frog", "horse", "ship", "truck");

    private static final Pattern BATCH = Pattern.compile("data_batch_(\\d+)\\.bin");

    /** Which variant a file is: the record layout and the number of classes. */
    public enum Variant {
        CIFAR10(1, 10), CIFAR100(2, 100);

        final int labelBytes;
        final int classes;

        Variant(int labelBytes, int classes) {
            this.labelBytes = labelBytes;
            this.classes = classes;
        }

        public int recordSize() {
            return labelBytes + PIXELS;
        }
    }

    private CifarBinary() {}

    /** True when {@code path} is a CIFAR binary file or a directory holding (or wrapping) one. */
    public static boolean looksLikeCifar(Path path) {
        if (Files.isRegularFile(path)) {
            return variantOf(path) != null;
        }
        return Files.isDirectory(path) && batchDir(path) != null;
    }

    /** Loads the {@code train} or {@code test} split from a CIFAR directory, or one {@code .bin} file (split ignored). */
    public static Samples load(Path path, String split) throws IOException {
        if (Files.isRegularFile(path)) {
            Variant v = variantOf(path);
            if (v == null) {
                throw new IOException(path + ": not a CIFAR binary file name (expected data_batch_N.bin, test_batch.bin, "
                        + "train.bin or test.bin)");
            }
            return read(List.of(path), v, classNames(path.toAbsolutePath().getParent(), v));
        }
        if (!Files.isDirectory(path)) {
            throw new NoSuchFileException(path.toString(), null, "CIFAR file or directory not found");
        }
        Path dir = batchDir(path);
        if (dir == null) {
            throw new IOException(path + ": no CIFAR binary files (data_batch_*.bin / test_batch.bin or train.bin / test.bin)");
        }
        boolean test = switch (split) {
            case "train" -> false;
            case "test" -> true;
            default -> throw new IllegalArgumentException("unknown split '" + split + "' (expected train or test)");
        };
        if (Files.isRegularFile(dir.resolve("train.bin")) || Files.isRegularFile(dir.resolve("test.bin"))) {
            Path f = dir.resolve(test ? "test.bin" : "train.bin");
            if (!Files.isRegularFile(f)) {
                throw new NoSuchFileException(f.toString(), null, "CIFAR-100 " + split + " file missing");
            }
            return read(List.of(f), Variant.CIFAR100, classNames(dir, Variant.CIFAR100));
        }
        List<Path> files;
        if (test) {
            Path f = dir.resolve("test_batch.bin");
            if (!Files.isRegularFile(f)) {
                throw new NoSuchFileException(f.toString(), null, "CIFAR-10 test file missing");
            }
            files = List.of(f);
        } else {
            files = trainBatches(dir);
            if (files.isEmpty()) {
                throw new IOException(dir + ": no CIFAR-10 training batches (data_batch_1.bin .. data_batch_5.bin)");
            }
        }
        return read(files, Variant.CIFAR10, classNames(dir, Variant.CIFAR10));
    }

    /** Reads and concatenates files of one variant. */
    public static Samples read(List<Path> files, Variant variant, List<String> classNames) throws IOException {
        int rec = variant.recordSize();
        long total = 0;
        for (Path f : files) {
            long size = Files.size(f);
            if (size == 0 || size % rec != 0) {
                throw new IOException(f + ": " + size + " bytes is not a whole number of " + rec + "-byte "
                        + (variant == Variant.CIFAR10 ? "CIFAR-10" : "CIFAR-100") + " records (truncated or not this format)");
            }
            total += size / rec;
        }
        if (total * PIXELS > Integer.MAX_VALUE - 8) {
            throw new IOException(files.get(0) + ": too many CIFAR records (" + total + ")");
        }
        MemoryLimits.check(files.get(0), total * PIXELS, Float.BYTES, total + " CIFAR images");
        int n = (int) total;
        float[] values = new float[n * PIXELS];
        int[] labels = new int[n];
        int k = 0;
        for (Path f : files) {
            byte[] bytes = Files.readAllBytes(f);
            int records = bytes.length / rec;
            for (int r = 0; r < records; r++, k++) {
                int base = r * rec;
                int label = bytes[base + variant.labelBytes - 1] & 0xFF;
                if (label >= classNames.size()) {
                    throw new IOException(f + ": record " + r + " has label " + label + " but there are only "
                            + classNames.size() + " classes (wrong variant or corrupt file)");
                }
                labels[k] = label;
                int src = base + variant.labelBytes;
                int dst = k * PIXELS;
                for (int i = 0; i < PIXELS; i++) {
                    values[dst + i] = (bytes[src + i] & 0xFF) / 255f;
                }
            }
        }
        String source = files.size() == 1 ? files.get(0).toString() : files.get(0).getParent().toString();
        return new Samples(source, values, new int[] {3, 32, 32}, labels, classNames);
    }

    /** The name of the test file in a CIFAR directory (or its parent), or {@code null} when it has none. */
    public static String testFile(Path dir) {
        Path d = batchDir(dir);
        if (d == null) {
            return null;
        }
        for (String name : new String[] {"test_batch.bin", "test.bin"}) {
            if (Files.isRegularFile(d.resolve(name))) {
                return name;
            }
        }
        return null;
    }

    /** The variant implied by a file name, or null when the name is not a CIFAR binary name. */
    public static Variant variantOf(Path file) {
        String n = file.getFileName().toString();
        if (n.equals("train.bin") || n.equals("test.bin")) {
            return Variant.CIFAR100;
        }
        if (n.equals("test_batch.bin") || BATCH.matcher(n).matches()) {
            return Variant.CIFAR10;
        }
        return null;
    }

    private static Path batchDir(Path dir) {
        for (Path d : new Path[] {dir, dir.resolve("cifar-10-batches-bin"), dir.resolve("cifar-100-binary")}) {
            if (Files.isRegularFile(d.resolve("data_batch_1.bin")) || Files.isRegularFile(d.resolve("test_batch.bin"))
                    || Files.isRegularFile(d.resolve("train.bin")) || Files.isRegularFile(d.resolve("test.bin"))) {
                return d;
            }
        }
        return null;
    }

    private static List<Path> trainBatches(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> BATCH.matcher(p.getFileName().toString()).matches())
                    .sorted((a, b) -> Integer.compare(batchNo(a), batchNo(b))).toList();
        }
    }

    private static int batchNo(Path p) {
        Matcher m = BATCH.matcher(p.getFileName().toString());
        return m.matches() ? Integer.parseInt(m.group(1)) : Integer.MAX_VALUE;
    }

    private static List<String> classNames(Path dir, Variant v) throws IOException {
        Path meta = dir == null ? null : dir.resolve(v == Variant.CIFAR10 ? "batches.meta.txt" : "fine_label_names.txt");
        if (meta != null && Files.isRegularFile(meta)) {
            List<String> names = new ArrayList<>();
            for (String line : Files.readAllLines(meta, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    names.add(line.trim());
                }
            }
            if (names.size() != v.classes) {
                throw new IOException(meta + ": " + names.size() + " class names, expected " + v.classes);
            }
            return names;
        }
        if (v == Variant.CIFAR10) {
            return CIFAR10_CLASS_NAMES;
        }
        List<String> names = new ArrayList<>();
        for (int c = 0; c < v.classes; c++) {
            names.add(Integer.toString(c));
        }
        return names;
    }
}
