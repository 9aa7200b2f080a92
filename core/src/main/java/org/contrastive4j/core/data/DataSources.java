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
import org.contrastive4j.core.image.DecodedImage;
import org.contrastive4j.core.image.ImageFit;
import org.contrastive4j.core.image.ImageOps;

/**
 * Opens any supported input as a {@link Dataset}, detecting the format from the path; the one entry point every
 * command uses to read data ({@link #open(List, LoadOptions)} for the values of an {@code --input} or {@code --data}).
 *
 * <p>Read into memory ({@link Samples}, ids = row indices):
 * <ul>
 *   <li>a directory with {@code <prefix>-images-idx3-ubyte[.gz]} files (MNIST, Fashion-MNIST): the split picks the
 *       prefix containing {@code train}, or {@code t10k}/{@code test}; class names are Fashion-MNIST's when the path
 *       mentions "fashion", else "0".."9";</li>
 *   <li>a CIFAR-10/100 binary directory (or its parent) or one {@code .bin} file ({@link CifarBinary});</li>
 *   <li>a {@code .csv}/{@code .tsv} file of feature rows ({@link CsvFiles});</li>
 *   <li>a {@code .npy} file {@code [N, ...]}, C order, channel-first for images; uint8 data is scaled to [0, 1]
 *       like the other image formats; labels from {@link LoadOptions#labelsPath()} ({@link NpyFiles});</li>
 *   <li>a single IDX file: {@code idx3} images (labels from the sibling {@code labels-idx1} file or
 *       {@link LoadOptions#labelsPath()}), or a rank-2 IDX array of feature rows.</li>
 * </ul>
 * Read from the files on demand ({@link ImageFiles}, ids = file paths relative to the input, or as written):
 * <ul>
 *   <li>an image folder {@code root/<class>/*.png|jpg|jpeg} (labelled; {@link ImageFolder});</li>
 *   <li>the layout {@code root/train/<class>} + {@code root/test|val|validation/<class>}: the split picks the
 *       folder;</li>
 *   <li>a flat folder of images, one image file, several files, a glob, a list file ({@code .txt}: one path per line),
 *       or a CSV/TSV manifest with a {@code path} column and optionally a {@code label} column ({@link ImageInputs}).</li>
 * </ul>
 * Then the requested shape is applied: image files are fitted to {@link LoadOptions#imageFileShape()}; image
 * samples in memory are converted/fitted to the requested channels and size (the same {@link ImageFit} policy);
 * other samples are reshaped when the element count matches, and anything else is an error naming both shapes.
 */
public final class DataSources {

    public static final String ACCEPTED = "accepted inputs: a directory of IDX files (*-images-idx3-ubyte[.gz]), "
            + "a CIFAR-10/100 binary directory or .bin file, an image folder (root/<class>/*.png|jpg|jpeg, or "
            + "root/train/<class> + root/test|val|validation/<class>), a flat folder of images, image files or a glob, "
            + "a list file (.txt, one image path per line), a .csv/.tsv file (feature rows, or a manifest with a 'path' "
            + "column), a .npy file, or a single IDX file";

    private static final Pattern IDX_IMAGES = Pattern.compile("(.*)-images[-.]idx3-ubyte(\\.gz)?");

    private DataSources() {}

    /**
     * Opens the values of an {@code --input}: one path (any format above), or several image files, globs, flat
     * folders and list files making one unlabelled dataset.
     */
    public static Dataset open(List<String> inputs, LoadOptions opts) throws IOException {
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("no input given");
        }
        if (inputs.size() == 1) {
            String in = inputs.get(0);
            Path p = Path.of(in);
            if (Files.exists(p) || !ImageInputs.isGlob(in)) {
                return open(p, opts);
            }
        }
        requireImageShape(inputs.get(0), opts);
        return ImageInputs.several(inputs, opts);
    }

    /** Opens one input (see the class comment). */
    public static Dataset open(Path input, LoadOptions opts) throws IOException {
        if (!Files.exists(input)) {
            throw new NoSuchFileException(input.toString(), null, "input not found");
        }
        return Files.isDirectory(input) ? openDirectory(input, opts) : openFile(input, opts);
    }

    /** Reads an input into memory: {@link #open} then {@link Datasets#materialize}. */
    public static Samples load(Path input) throws IOException {
        return load(input, LoadOptions.DEFAULTS);
    }

    public static Samples load(Path input, LoadOptions opts) throws IOException {
        return Datasets.materialize(open(input, opts));
    }

    /**
     * The held-out (test) split that {@code input} holds besides its training data, named (e.g.
     * {@code t10k-images-idx3-ubyte.gz}, {@code test_batch.bin}, {@code val/}), or {@code null} when it holds one set
     * of samples only (a single image folder, CSV, NPY, IDX or CIFAR file), from which a test split would be the
     * training data again.
     */
    public static String testSplit(Path input) throws IOException {
        if (!Files.isDirectory(input)) {
            return null;
        }
        for (Path p : idxImageFiles(input)) {
            String prefix = prefixOf(p).toLowerCase(Locale.ROOT);
            if (prefix.contains("t10k") || prefix.contains("test")) {
                return p.getFileName().toString();
            }
        }
        if (CifarBinary.looksLikeCifar(input)) {
            return CifarBinary.testFile(input);
        }
        Path held = ImageFolder.layoutSplit(input, "test");
        return held == null ? null : held.getFileName() + "/";
    }

    /**
     * Row ids for the samples {@link #load} returns from {@code input}: relative file paths for image folders, the
     * 0-based row index otherwise.
     *
     * @deprecated use {@link Dataset#id(int)} of the dataset {@link #open} returns, which is right for every input
     */
    @Deprecated
    public static String[] ids(Path input, int count) throws IOException {
        String[] ids = new String[count];
        if (Files.isDirectory(input) && formatOf(input).startsWith("image")) {
            Dataset d = open(input, LoadOptions.builder().cacheBytes(0).build());
            if (d.size() != count) {
                throw new IllegalArgumentException(input + ": " + d.size() + " images but " + count + " samples");
            }
            for (int i = 0; i < count; i++) {
                ids[i] = d.id(i);
            }
            return ids;
        }
        for (int i = 0; i < count; i++) {
            ids[i] = Integer.toString(i);
        }
        return ids;
    }

    /**
     * A short name of the detected format, for logs and provenance: {@code idx}, {@code cifar}, {@code image-folder}
     * (class folders, or the train/test layout), {@code image-files} (a flat folder, image files, a list file),
     * {@code image-manifest}, {@code csv}, {@code npy} or {@code unknown}.
     */
    public static String formatOf(Path input) throws IOException {
        if (Files.isDirectory(input)) {
            if (!idxImageFiles(input).isEmpty()) {
                return "idx";
            }
            if (CifarBinary.looksLikeCifar(input)) {
                return "cifar";
            }
            if (ImageFolder.layoutSplit(input, "train") != null || ImageFolder.looksLikeImageFolder(input)) {
                return "image-folder";
            }
            if (ImageFolder.hasImages(input)) {
                return "image-files";
            }
            return "unknown";
        }
        String n = input.getFileName().toString().toLowerCase(Locale.ROOT);
        if (n.endsWith(".csv") || n.endsWith(".tsv")) {
            return Files.isRegularFile(input) && ImageInputs.isManifest(input) ? "image-manifest" : "csv";
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
        if (ImageFolder.isImageName(n) || ImageInputs.isListFile(input)) {
            return "image-files";
        }
        return "unknown";
    }

    private static Dataset openDirectory(Path dir, LoadOptions opts) throws IOException {
        List<Path> idx = idxImageFiles(dir);
        if (!idx.isEmpty()) {
            return shape(loadIdxDirectory(dir, idx, opts.split()), opts);
        }
        if (CifarBinary.looksLikeCifar(dir)) {
            return shape(CifarBinary.load(dir, opts.split()), opts);
        }
        if (ImageFolder.layoutSplit(dir, "train") != null) {
            Path split = ImageFolder.layoutSplit(dir, opts.split());
            if (split == null) {
                throw new IOException(dir + ": has train/ but no held-out folder (" + String.join("/, ", ImageFolder.HELD_OUT_FOLDERS)
                        + "/) for the " + opts.split() + " split");
            }
            requireImageShape(dir.toString(), opts);
            return ImageFolder.open(split, opts, split.getFileName() + "/");
        }
        if (ImageFolder.looksLikeImageFolder(dir)) {
            requireImageShape(dir.toString(), opts);
            return ImageFolder.open(dir, opts, "");
        }
        if (ImageFolder.hasImages(dir)) {
            requireImageShape(dir.toString(), opts);
            return ImageFolder.openFlat(dir, opts, "");
        }
        if (hasSubfolders(dir)) {
            // Class folders without any image: let the image folder say which ones are empty.
            return ImageFolder.open(dir, opts, "");
        }
        throw new IOException(dir + ": unrecognised data directory (no images or data files in it); " + ACCEPTED);
    }

    private static Dataset openFile(Path file, LoadOptions opts) throws IOException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".csv") || name.endsWith(".tsv")) {
            if (ImageInputs.isManifest(file)) {
                requireImageShape(file.toString(), opts);
                return ImageInputs.manifest(file, opts);
            }
            // Streamed rows are only reshaped: a request to convert or resize images takes the in-memory path.
            if (opts.sequential() && opts.channels() == 0 && opts.height() == 0 && opts.width() == 0) {
                return CsvFiles.stream(file, opts.labelColumn(), opts.sampleShape());
            }
            return shape(CsvFiles.read(file, opts.labelColumn(), opts.sampleShape()), opts);
        }
        if (name.endsWith(".npy")) {
            return shape(loadNpy(file, opts), opts);
        }
        if (CifarBinary.variantOf(file) != null) {
            return shape(CifarBinary.load(file, opts.split()), opts);
        }
        if (isIdxName(name)) {
            return shape(loadIdxFile(file, opts), opts);
        }
        if (ImageFolder.isImageName(name)) {
            requireImageShape(file.toString(), opts);
            return ImageInputs.several(List.of(file.toString()), opts);
        }
        if (ImageInputs.isListFile(file)) {
            requireImageShape(file.toString(), opts);
            return ImageInputs.listFile(file, opts);
        }
        throw new IOException(file + ": unrecognised input format; " + ACCEPTED);
    }

    /** Images become {@code [C, H, W]}: a requested sample shape of another rank cannot be met. */
    private static void requireImageShape(String source, LoadOptions opts) {
        int[] want = opts.sampleShape();
        if (want != null && want.length != 3) {
            throw new IllegalArgumentException(source + ": images become samples of shape [C, H, W], but the requested "
                    + "sample shape is " + Arrays.toString(want) + " (a model taking flat vectors cannot take images)");
        }
    }

    private static boolean hasSubfolders(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.anyMatch(p -> Files.isDirectory(p) && !p.getFileName().toString().startsWith("."));
        }
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

    /** Applies the requested sample shape / image size to samples in memory (see the class comment). */
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
     * Returns {@code samples} as {@code [channels, height, width]} images, converting channels and fitting the size
     * with {@link ImageFit} (cover + centre crop; the one policy for every image); unchanged samples are returned as
     * is. Any argument {@code <= 0} keeps that dimension.
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
        float[] src = samples.values();
        for (int i = 0; i < n; i++) {
            int c = c0 == 1 || c0 == 3 ? c0 : 3;
            float[] px;
            if (c == c0) {
                px = Arrays.copyOfRange(src, i * inLen, (i + 1) * inLen);
            } else {
                // e.g. RGBA: alpha dropped first; ImageFit then converts to the requested channels.
                px = new float[3 * h0 * w0];
                ImageOps.convertChannels(src, i * inLen, c0, h0 * w0, px, 0, 3);
            }
            ImageFit.toInput(new DecodedImage(c, h0, w0, px), c1, h1, w1, out, i * outLen);
        }
        return new Samples(samples.source(), out, new int[] {c1, h1, w1}, samples.labels(), samples.classNames());
    }
}
