package org.contrastive4j.core.data;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.contrastive4j.core.files.AtomicFiles;

/**
 * Image folders: {@code root/<class>/<image>.png|jpg|jpeg}, one subfolder per class; also a flat folder of images
 * (unlabelled) and the {@code root/train/<class>} + {@code root/test|val|validation/<class>} layout. Class names are
 * the subfolder names sorted, files within a class are sorted by name, so the order (and thus labels and splits) is
 * the same on every machine. Hidden entries and other file types are skipped.
 *
 * <p>{@link #open} gives an {@link ImageFiles} dataset that decodes the files on demand; {@link #read} decodes them
 * all into memory. Either way every image is fitted with {@link org.contrastive4j.core.image.ImageFit} to the
 * requested {@code [C, H, W]} (by default {@link LoadOptions#DEFAULT_IMAGE_CHANNELS} x
 * {@link LoadOptions#DEFAULT_IMAGE_SIZE}^2), whatever the size and mode of each image.
 */
public final class ImageFolder {

    /** The file name endings read as images (any case). */
    public static final List<String> EXTENSIONS = List.of(".png", ".jpg", ".jpeg");
    /** The folder names recognised as the held-out split next to {@code train/}, in order of preference. */
    public static final List<String> HELD_OUT_FOLDERS = List.of("test", "val", "validation");

    private ImageFolder() {}

    /** True when {@code dir} has at least one subfolder holding an image file. */
    public static boolean looksLikeImageFolder(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        for (Path sub : classDirs(dir)) {
            if (!imageFiles(sub).isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /** True when {@code dir} itself holds image files (a flat folder, when it has no class subfolders). */
    public static boolean hasImages(Path dir) throws IOException {
        return Files.isDirectory(dir) && !imageFiles(dir).isEmpty();
    }

    /** True when the name ends in one of {@link #EXTENSIONS}. */
    public static boolean isImageName(String fileName) {
        String n = fileName.toLowerCase(Locale.ROOT);
        return EXTENSIONS.stream().anyMatch(n::endsWith);
    }

    /**
     * For the {@code root/train/<class>} + {@code root/test|val|validation/<class>} layout: the folder of the
     * {@code train} split, or of the held-out split ({@code test}: the first of {@link #HELD_OUT_FOLDERS} present);
     * {@code null} when {@code root} is not in that layout or lacks that split.
     */
    public static Path layoutSplit(Path root, String split) throws IOException {
        Path train = root.resolve("train");
        if (!Files.isDirectory(train) || !looksLikeImageFolder(train)) {
            return null;
        }
        if (split.equals("train")) {
            return train;
        }
        for (String name : HELD_OUT_FOLDERS) {
            Path p = root.resolve(name);
            if (Files.isDirectory(p) && looksLikeImageFolder(p)) {
                return p;
            }
        }
        return null;
    }

    /**
     * The image files {@link #read} would load, in the same order (so they can serve as row ids), as paths relative
     * to {@code root} with '/' separators.
     */
    public static List<String> files(Path root) throws IOException {
        List<String> out = new ArrayList<>();
        for (Path dir : classDirs(root)) {
            for (Path f : imageFiles(dir)) {
                out.add(dir.getFileName() + "/" + f.getFileName());
            }
        }
        return out;
    }

    /**
     * A labelled dataset of {@code root/<class>/<image>}, decoded on demand. Ids are {@code idPrefix + class/file}.
     * Class folders without images, and images lying next to the class folders, are errors naming them.
     */
    public static ImageFiles open(Path root, LoadOptions options, String idPrefix) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new NoSuchFileException(root.toString(), null, "image folder not found");
        }
        List<Path> classes = classDirs(root);
        List<String> names = new ArrayList<>();
        List<String> empty = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (Path dir : classes) {
            List<Path> imgs = imageFiles(dir);
            if (imgs.isEmpty()) {
                empty.add("'" + dir.getFileName() + "'");
            }
            for (Path f : imgs) {
                files.add(f);
                ids.add(idPrefix + dir.getFileName() + "/" + f.getFileName());
                labels.add(names.size());
            }
            names.add(dir.getFileName().toString());
        }
        if (files.isEmpty()) {
            throw new IOException(root + ": no images found ("
                    + (classes.isEmpty() ? "no class folders" : "the class folders " + String.join(", ", empty)
                    + " hold no PNG/JPEG images") + "; expected root/<class>/<image>.png|jpg|jpeg)");
        }
        if (!empty.isEmpty()) {
            throw new IOException(root + ": class folder" + (empty.size() > 1 ? "s " : " ") + String.join(", ", empty)
                    + (empty.size() > 1 ? " hold" : " holds") + " no PNG/JPEG images (a class needs images: add some or "
                    + "remove the folder)");
        }
        List<Path> loose = imageFiles(root);
        if (!loose.isEmpty()) {
            throw new IOException(root + ": holds both class folders and " + loose.size() + " loose images (e.g. "
                    + loose.get(0).getFileName() + "); move the images into class folders, or give them as a flat folder "
                    + "of their own");
        }
        return ImageFiles.open(root.toString(), files, ids, labels.stream().mapToInt(Integer::intValue).toArray(), names,
                options.imageFileShape(), options);
    }

    /** An unlabelled dataset of the images directly in {@code dir}, sorted by name; ids are {@code idPrefix + name}. */
    public static ImageFiles openFlat(Path dir, LoadOptions options, String idPrefix) throws IOException {
        List<Path> files = imageFiles(dir);
        if (files.isEmpty()) {
            throw new IOException(dir + ": no PNG/JPEG images in this folder");
        }
        List<String> ids = files.stream().map(f -> idPrefix + f.getFileName()).toList();
        return ImageFiles.open(dir.toString(), files, ids, null, List.of(), options.imageFileShape(), options);
    }

    public static Samples read(Path root) throws IOException {
        return read(root, 0, 0, 0);
    }

    /**
     * Decodes a labelled image folder into memory.
     *
     * @param channels 1, 3, or 0 for {@link LoadOptions#DEFAULT_IMAGE_CHANNELS}
     * @param height output height, or 0 for {@link LoadOptions#DEFAULT_IMAGE_SIZE} (or the width, when given)
     * @param width output width, or 0 for the height
     */
    public static Samples read(Path root, int channels, int height, int width) throws IOException {
        if (channels != 0 && channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1, 3 or 0 (the default), got " + channels);
        }
        LoadOptions options = LoadOptions.builder().channels(channels).height(height).width(width).cacheBytes(0).build();
        return Datasets.materialize(open(root, options, ""));
    }

    /**
     * Writes samples ({@code [1|3, H, W]}, values in [0, 1], clamped) as {@code root/<class>/<index>.png}; unlabelled
     * samples go to {@code root/unlabelled}. Each PNG is written atomically.
     */
    public static void write(Path root, Samples samples) throws IOException {
        int[] s = samples.sampleShape();
        if (s.length != 3 || (s[0] != 1 && s[0] != 3)) {
            throw new IllegalArgumentException("can only write [1|3, H, W] images as PNG, not "
                    + Arrays.toString(s));
        }
        int digits = Integer.toString(Math.max(1, samples.size() - 1)).length();
        for (int i = 0; i < samples.size(); i++) {
            String cls = samples.labelled() ? samples.classNames().get(samples.labels()[i]) : "unlabelled";
            Path file = root.resolve(safeName(cls)).resolve(String.format(Locale.ROOT, "%0" + digits + "d.png", i));
            BufferedImage img = toImage(samples.values(), i * samples.sampleLength(), s[0], s[1], s[2]);
            AtomicFiles.write(file, out -> {
                if (!ImageIO.write(img, "png", out)) {
                    throw new IOException("no PNG writer available");
                }
            });
        }
    }

    /** Converts one [1|3, H, W] image in [0, 1] to a BufferedImage (8-bit gray or RGB). */
    public static BufferedImage toImage(float[] values, int offset, int channels, int h, int w) {
        int plane = h * w;
        if (channels == 1) {
            BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
            WritableRaster r = img.getRaster();
            int[] s = new int[plane];
            for (int i = 0; i < plane; i++) {
                s[i] = toByte(values[offset + i]);
            }
            r.setSamples(0, 0, w, h, 0, s);
            return img;
        }
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] rgb = new int[plane];
        for (int i = 0; i < plane; i++) {
            rgb[i] = toByte(values[offset + i]) << 16 | toByte(values[offset + plane + i]) << 8
                    | toByte(values[offset + 2 * plane + i]);
        }
        img.setRGB(0, 0, w, h, rgb, 0, w);
        return img;
    }

    private static int toByte(float v) {
        return Math.round(Math.min(1f, Math.max(0f, v)) * 255f);
    }

    private static String safeName(String cls) {
        String s = cls.replaceAll("[/\\\\:*?\"<>|\\x00-\\x1f]", "_");
        return s.isEmpty() || s.startsWith(".") ? "_" + s : s;
    }

    private static List<Path> classDirs(Path root) throws IOException {
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString())).toList();
        }
    }

    private static List<Path> imageFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).filter(p -> {
                String n = p.getFileName().toString();
                return !n.startsWith(".") && isImageName(n);
            }).sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString())).toList();
        }
    }
}
