package org.contrastive4j.core.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.contrastive4j.core.image.ImageOps;

/**
 * Loads any supported input into {@link Samples}, detecting the format from the path.
 *
 * <ul>
 *   <li>a directory with {@code <prefix>-images-idx3-ubyte[.gz]} files (MNIST, Fashion-MNIST): the split picks the
 *       prefix containing {@code train}, or {@code t10k}/{@code test}; class names are Fashion-MNIST's when the path
 *       mentions "fashion", else "0".."9";</li>
 *   <li>a CIFAR-10/100 binary directory (or its parent) or one {@code .bin} file ({@link CifarBinary});</li>
 *   <li>a directory of class subfolders holding PNG/JPEG images ({@link ImageFolder});</li>
 *   <li>a {@code .csv}/{@code .tsv} file ({@link CsvFiles});</li>
 *   <li>a {@code .npy} file {@code [N, ...]}, C order, channel-first for images; uint8 data is scaled to [0, 1]
 *       like the other image formats; labels from {@link LoadOptions#labelsPath()} ({@link NpyFiles});</li>
 *   <li>a single IDX file: {@code idx3} images (labels from the sibling {@code labels-idx1} file or
 *       {@link LoadOptions#labelsPath()}), or a rank-2 IDX array of feature rows.</li>
 * </ul>
 * Then the requested shape is applied: image samples are converted/resized to the requested channels and size,
 * other samples are reshaped when the element count matches, and anything else is an error naming both shapes.
 */
public final class DataSources {

    public static final String ACCEPTED = "accepted inputs: a directory of IDX files (*-images-idx3-ubyte[.gz]), "
            + "a CIFAR-10/100 binary directory or .bin file, an image folder (root/<class>/*.png|jpg|jpeg), "
            + "a .csv/.tsv file, a .npy file, or a single IDX file";

    private static final Pattern IDX_IMAGES = Pattern.compile("(.*)-images[-.]idx3-ubyte(\\.gz)?");

    private DataSources() {}

    public static Samples load(Path input) throws IOException {
        return load(input, LoadOptions.DEFAULTS);
    }

    public static Samples load(Path input, LoadOptions opts) throws IOException {
        if (!Files.exists(input)) {
            throw new NoSuchFileException(input.toString(), null, "input not found");
        }
        Samples raw = Files.isDirectory(input) ? loadDirectory(input, opts) : loadFile(input, opts);
        return shape(raw, opts);
    }

    /**
     * Row ids for the samples {@link #load} returns from {@code input}: relative file paths for image folders, the
     * 0-based row index otherwise.
     */
    public static String[] ids(Path input, int count) throws IOException {
        String[] ids = new String[count];
        if (Files.isDirectory(input) && formatOf(input).equals("image-folder")) {
            List<String> files = ImageFolder.files(input);
            if (files.size() != count) {
                throw new IllegalArgumentException(input + ": " + files.size() + " images but " + count + " samples");
            }
            return files.toArray(ids);
        }
        for (int i = 0; i < count; i++) {
            ids[i] = Integer.toString(i);
        }
        return ids;
    }

    /** A short name of the detected format, for logs and provenance. */
    public static String formatOf(Path input) throws IOException {
        if (Files.isDirectory(input)) {
            if (!idxImageFiles(input).isEmpty()) {
                return "idx";
            }
            if (CifarBinary.looksLikeCifar(input)) {
                return "cifar";
            }
            if (ImageFolder.looksLikeImageFolder(input)) {
                return "image-folder";
            }
            return "unknown";
        }
        String n = input.getFileName().toString().toLowerCase(Locale.ROOT);
        if (n.endsWith(".csv") || n.endsWith(".tsv")) {
            return "csv";
        }
        if (n.endsWith(".npy")) {
            return "npy";
        }
        if (CifarBinary.variantOf(input) != null) {
            return "cifar";
        }
        if (isIdxName(n)) {
            return "idx";
        }
        return "unknown";
    }

    private static Samples loadDirectory(Path dir, LoadOptions opts) throws IOException {
        List<Path> idx = idxImageFiles(dir);
        if (!idx.isEmpty()) {
            return loadIdxDirectory(dir, idx, opts.split());
        }
        if (CifarBinary.looksLikeCifar(dir)) {
            return CifarBinary.load(dir, opts.split());
        }
        if (ImageFolder.looksLikeImageFolder(dir)) {
            int[] t = opts.imageTarget();
            return ImageFolder.read(dir, t[0], t[1], t[2]);
        }
        throw new IOException(dir + ": unrecognised data directory; " + ACCEPTED);
    }

    private static Samples loadFile(Path file, LoadOptions opts) throws IOException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".csv") || name.endsWith(".tsv")) {
            int[] shape = opts.sampleShape();
            return CsvFiles.read(file, opts.labelColumn(), shape);
        }
        if (name.endsWith(".npy")) {
            return loadNpy(file, opts);
        }
        if (CifarBinary.variantOf(file) != null) {
            return CifarBinary.load(file, opts.split());
        }
        if (isIdxName(name)) {
            return loadIdxFile(file, opts);
        }
        throw new IOException(file + ": unrecognised input format; " + ACCEPTED);
    }

    private static boolean isIdxName(String lowerName) {
        return lowerName.contains("idx1-ubyte") || lowerName.contains("idx2-ubyte") || lowerName.contains("idx3-ubyte")
                || lowerName.endsWith(".idx") || lowerName.endsWith(".idx.gz");
    }

    private static Samples loadNpy(Path file, LoadOptions opts) throws IOException {
        NpyFiles.NpyArray a = NpyFiles.read(file);
        int[] dims = a.shape();
        if (dims.length < 2) {
            throw new IOException(file + ": NPY array of shape " + Arrays.toString(dims)
                    + " is not [N, ...] (use a.reshape(1, -1) for a single sample)");
        }
        float[] v = a.values();
        if (a.dtype().endsWith("u1")) {
            for (int i = 0; i < v.length; i++) {
                v[i] /= 255f;
            }
        }
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                int per = v.length / Math.max(1, dims[0]);
                throw new IOException(file + ": non-finite value " + v[i] + " in sample " + (per == 0 ? 0 : i / per)
                        + " (flat index " + i + ")");
            }
        }
        int[] sample = Arrays.copyOfRange(dims, 1, dims.length);
        int[] labels = null;
        List<String> names = List.of();
        if (opts.labelsPath() != null) {
            labels = NpyFiles.readInts(opts.labelsPath());
            if (labels.length != dims[0]) {
                throw new IOException(opts.labelsPath() + ": " + labels.length + " labels but " + file.getFileName()
                        + " holds " + dims[0] + " samples");
            }
            names = integerClassNames(opts.labelsPath(), labels);
        }
        return new Samples(file.toString(), v, sample, labels, names);
    }

    private static List<String> integerClassNames(Path where, int[] labels) throws IOException {
        int max = -1;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0) {
                throw new IOException(where + ": negative label " + labels[i] + " at index " + i);
            }
            max = Math.max(max, labels[i]);
        }
        List<String> names = new ArrayList<>();
        for (int c = 0; c <= max; c++) {
            names.add(Integer.toString(c));
        }
        return names;
    }

    private static List<Path> idxImageFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).filter(p -> IDX_IMAGES.matcher(p.getFileName().toString()).matches())
                    .sorted().toList();
        }
    }

    private static Samples loadIdxDirectory(Path dir, List<Path> images, String split) throws IOException {
        Path chosen = null;
        for (Path p : images) {
            String prefix = prefixOf(p).toLowerCase(Locale.ROOT);
            boolean match = split.equals("train") ? prefix.contains("train")
                    : prefix.contains("t10k") || prefix.contains("test");
            if (match && (chosen == null || p.getFileName().toString().endsWith(".gz"))) {
                chosen = p;
            }
        }
        if (chosen == null) {
            List<String> found = images.stream().map(p -> p.getFileName().toString()).toList();
            throw new IOException(dir + ": no IDX images for the " + split + " split (found " + found + ")");
        }
        Path labels = siblingLabels(chosen);
        if (labels == null) {
            throw new IOException(dir + ": no labels file for " + chosen.getFileName() + " (expected "
                    + prefixOf(chosen) + "-labels-idx1-ubyte[.gz])");
        }
        return IdxReader.readImages(chosen, labels, classNamesFor(dir));
    }

    private static Samples loadIdxFile(Path file, LoadOptions opts) throws IOException {
        String name = file.getFileName().toString();
        if (name.toLowerCase(Locale.ROOT).contains("idx3")) {
            Path labels = opts.labelsPath() != null ? opts.labelsPath() : siblingLabels(file);
            Path parent = file.toAbsolutePath().getParent();
            return IdxReader.readImages(file, labels, parent == null ? null : classNamesFor(parent));
        }
        IdxReader.IdxArray a = IdxReader.read(file);
        if (a.dims().length != 2) {
            throw new IOException(file + ": IDX array of rank " + a.dims().length
                    + " is neither images (idx3 [N, H, W]) nor feature rows (rank 2 [N, F])");
        }
        return new Samples(file.toString(), a.values(), new int[] {a.dims()[1]}, null, List.of());
    }

    private static String prefixOf(Path imagesFile) {
        Matcher m = IDX_IMAGES.matcher(imagesFile.getFileName().toString());
        return m.matches() ? m.group(1) : imagesFile.getFileName().toString();
    }

    private static Path siblingLabels(Path imagesFile) {
        String n = imagesFile.getFileName().toString();
        String base = n.replace("images-idx3", "labels-idx1").replace("images.idx3", "labels.idx1");
        if (base.equals(n)) {
            return null;
        }
        String stem = base.endsWith(".gz") ? base.substring(0, base.length() - 3) : base;
        for (String cand : new String[] {stem + ".gz", stem}) {
            Path p = imagesFile.resolveSibling(cand);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    private static List<String> classNamesFor(Path dir) {
        String p = dir.toAbsolutePath().toString().toLowerCase(Locale.ROOT);
        return p.contains("fashion") ? FashionMnist.CLASS_NAMES : null;
    }

    /** Applies the requested sample shape / image size (see the class comment). */
    static Samples shape(Samples s, LoadOptions opts) {
        int[] have = s.sampleShape();
        int[] want = opts.sampleShape();
        int[] t = opts.imageTarget();
        boolean imageRequest = t[0] != 0 || t[1] != 0 || t[2] != 0;
        if (have.length == 3 && imageRequest && (want == null || want.length == 3)) {
            return conformImages(s, t[0], t[1], t[2]);
        }
        if (imageRequest && want == null) {
            throw new IllegalArgumentException(s.source() + ": channels/height/width apply to images [C, H, W], but the "
                    + "samples have shape " + Arrays.toString(have));
        }
        if (want == null || Arrays.equals(want, have)) {
            return s;
        }
        if (Shapes.product(want) != s.sampleLength()) {
            throw new IllegalArgumentException(s.source() + ": samples of shape " + Arrays.toString(have) + " ("
                    + s.sampleLength() + " values) do not fit the requested shape " + Arrays.toString(want) + " ("
                    + Shapes.product(want) + " values)");
        }
        return new Samples(s.source(), s.values(), want, s.labels(), s.classNames());
    }

    /**
     * Returns {@code samples} as {@code [channels, height, width]} images, converting channels and resizing
     * (bilinear) as needed; unchanged samples are returned as is. Any argument {@code <= 0} keeps that dimension.
     */
    public static Samples conformImages(Samples samples, int channels, int height, int width) {
        int[] s = samples.sampleShape();
        if (s.length != 3) {
            throw new IllegalArgumentException(samples.source() + ": samples of shape " + Arrays.toString(s)
                    + " are not images [C, H, W]; cannot convert them to channels/height/width");
        }
        int c0 = s[0];
        int h0 = s[1];
        int w0 = s[2];
        int c1 = channels > 0 ? channels : c0;
        int h1 = height > 0 ? height : h0;
        int w1 = width > 0 ? width : w0;
        if (c1 == c0 && h1 == h0 && w1 == w0) {
            return samples;
        }
        if (c1 != 1 && c1 != 3) {
            throw new IllegalArgumentException("requested " + c1 + " channels; images can be converted to 1 (gray) or 3 (RGB)");
        }
        int n = samples.size();
        int inLen = c0 * h0 * w0;
        int outLen = c1 * h1 * w1;
        float[] out = new float[Math.multiplyExact(n, outLen)];
        float[] converted = new float[c1 * h0 * w0];
        float[] src = samples.values();
        for (int i = 0; i < n; i++) {
            ImageOps.convertChannels(src, i * inLen, c0, h0 * w0, converted, 0, c1);
            ImageOps.cropResize(converted, 0, c1, h0, w0, 0, 0, h0, w0, out, i * outLen, h1, w1);
        }
        return new Samples(samples.source(), out, new int[] {c1, h1, w1}, samples.labels(), samples.classNames());
    }
}
