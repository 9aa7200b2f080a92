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
import org.contrastive4j.core.image.DecodedImage;
import org.contrastive4j.core.image.ImageDecoder;
import org.contrastive4j.core.image.ImageOps;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Image folders: {@code root/<class>/<image>.png|jpg|jpeg}, one subfolder per class. Class names are the subfolder
 * names sorted, files within a class are sorted by name, so the order (and thus labels and splits) is the same on
 * every machine. Hidden entries and other file types are skipped.
 *
 * <p>Images become {@code [C, H, W]} floats in [0, 1]. Channels: 1 (gray) or 3 (RGB), converting as needed (luma
 * for RGB to gray, replication for gray to RGB, alpha dropped); 0 means "as the first image" (gray if it is gray,
 * else RGB). Size: every image is resized (bilinear) to the requested H x W; 0 means the first image's size.
 */
public final class ImageFolder {

    private static final Logger LOG = LoggerFactory.getLogger(ImageFolder.class);
    private static final ImageDecoder DECODER = ImageDecoder.defaults();

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

    public static Samples read(Path root) throws IOException {
        return read(root, 0, 0, 0);
    }

    /**
     * @param channels 1, 3, or 0 for "as the first image"
     * @param height output height, or 0 for the first image's
     * @param width output width, or 0 for the first image's
     */
    public static Samples read(Path root, int channels, int height, int width) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new NoSuchFileException(root.toString(), null, "image folder not found");
        }
        if (channels != 0 && channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1, 3 or 0 (as the images), got " + channels);
        }
        List<Path> classes = classDirs(root);
        List<String> names = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (Path dir : classes) {
            List<Path> imgs = imageFiles(dir);
            if (imgs.isEmpty()) {
                LOG.warn("{}: class folder '{}' holds no PNG/JPEG images", root, dir.getFileName());
            }
            for (Path f : imgs) {
                files.add(f);
                labels.add(names.size());
            }
            names.add(dir.getFileName().toString());
        }
        if (files.isEmpty()) {
            throw new IOException(root + ": no images found (expected root/<class>/<image>.png|jpg|jpeg)");
        }
        int c = channels;
        int h = height;
        int w = width;
        float[] values = null;
        int[] y = new int[files.size()];
        for (int i = 0; i < files.size(); i++) {
            Path f = files.get(i);
            DecodedImage img = DECODER.decode(f);
            if (values == null) {
                c = c == 0 ? img.channels() : c;
                h = h == 0 ? img.height() : h;
                w = w == 0 ? img.width() : w;
                values = new float[Math.multiplyExact(files.size(), c * h * w)];
            }
            int len = c * h * w;
            if (img.channels() == c && img.height() == h && img.width() == w) {
                System.arraycopy(img.pixels(), 0, values, i * len, len);
            } else {
                float[] conv = new float[c * img.height() * img.width()];
                ImageOps.convertChannels(img.pixels(), 0, img.channels(), img.height() * img.width(), conv, 0, c);
                ImageOps.cropResize(conv, 0, c, img.height(), img.width(), 0, 0, img.height(), img.width(), values, i * len, h, w);
            }
            y[i] = labels.get(i);
        }
        return new Samples(root.toString(), values, new int[] {c, h, w}, y, names);
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
                String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
                return !n.startsWith(".") && (n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg"));
            }).sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString())).toList();
        }
    }
}
