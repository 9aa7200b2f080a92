package org.contrastive4j.core.image;

import java.awt.image.BufferedImage;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes PNG and JPEG (and whatever else ImageIO reads) into a {@link DecodedImage}, the same way for every path
 * that takes images: datasets, {@code embed}/{@code classify}, the server and Spark.
 *
 * <p>The image's declared size is read from its header first and checked against a pixel limit before anything is
 * allocated, so a small crafted file that claims 30000 x 30000 pixels is refused in microseconds. When the caller
 * says how large the image will end up ({@code targetHeight x targetWidth}), a much larger image is decoded with
 * ImageIO's source subsampling so that it is never held at full resolution (it still arrives at least twice the target
 * size, for {@link ImageFit} to filter down). Failures are {@link IOException}s naming the source and the problem.
 *
 * <p>Bytes already in memory (the server, Spark) that hold a plain 8-bit PNG are decoded by {@link PlainPng} to the
 * same pixels ImageIO gives, since ImageIO's per-image overhead outweighed the model on small images; it declines,
 * and ImageIO decodes, whenever the image would be subsampled, is over the limit, or is anything it cannot match
 * exactly, so limits, subsampling and error messages stay ImageIO's.
 */
public final class ImageDecoder {

    /** The default pixel limit: 40 megapixels, above any camera photo in common use (a 48 MP image is refused). */
    public static final long DEFAULT_MAX_PIXELS = 40_000_000L;
    /** System property that overrides {@link #DEFAULT_MAX_PIXELS} for every decoder built with {@link #defaults()}. */
    public static final String MAX_PIXELS_PROPERTY = "c4j.image.maxPixels";

    /** This thread's decoded-without-error readers, by the format {@link #sniff} names (see {@link #reader}). */
    private static final ThreadLocal<Map<String, ImageReader>> READERS = ThreadLocal.withInitial(HashMap::new);

    static {
        // ImageIO otherwise writes a temporary file for every image it decodes from a stream: slow, and it fails
        // where the temporary directory is not writable.
        ImageIO.setUseCache(false);
    }

    private final long maxPixels;

    public ImageDecoder(long maxPixels) {
        if (maxPixels < 1) {
            throw new IllegalArgumentException("the image pixel limit must be >= 1, got " + maxPixels);
        }
        this.maxPixels = maxPixels;
    }

    /** A decoder with the pixel limit of {@value #MAX_PIXELS_PROPERTY}, else {@link #DEFAULT_MAX_PIXELS}. */
    public static ImageDecoder defaults() {
        String p = System.getProperty(MAX_PIXELS_PROPERTY);
        if (p == null || p.isBlank()) {
            return new ImageDecoder(DEFAULT_MAX_PIXELS);
        }
        try {
            return new ImageDecoder(Long.parseLong(p.trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + MAX_PIXELS_PROPERTY + " must be a whole number of pixels, got '" + p + "'");
        }
    }

    public long maxPixels() {
        return maxPixels;
    }

    /** Decodes a file at full resolution. */
    public DecodedImage decode(Path file) throws IOException {
        return decode(file, 0, 0);
    }

    /** Decodes a file that will be fitted to {@code targetHeight x targetWidth} (0, 0: no target, full resolution). */
    public DecodedImage decode(Path file, int targetHeight, int targetWidth) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return decode(in, file.toString(), targetHeight, targetWidth);
        }
    }

    /**
     * Decodes encoded bytes (e.g. a request body or a Spark {@code binaryFile} row); {@code source} names them. A plain
     * 8-bit PNG that needs no subsampling is decoded by {@link PlainPng}, without ImageIO's per-image set-up that cost
     * more than the model for small images; anything else, errors and over-limit images included, goes through ImageIO.
     */
    public DecodedImage decode(byte[] encoded, String source, int targetHeight, int targetWidth) throws IOException {
        DecodedImage plain = PlainPng.decode(encoded, maxPixels, targetHeight, targetWidth);
        if (plain != null) {
            return plain;
        }
        return decode(new ByteArrayImageInputStream(encoded), source, targetHeight, targetWidth);
    }

    private DecodedImage decode(InputStream in, String source, int targetHeight, int targetWidth) throws IOException {
        return decode(ImageIO.createImageInputStream(in), source, targetHeight, targetWidth);
    }

    private DecodedImage decode(ImageInputStream input, String source, int targetHeight, int targetWidth)
            throws IOException {
        BufferedImage img;
        try (ImageInputStream stream = input) {
            String format = stream == null ? null : sniff(stream);
            ImageReader reader = stream == null ? null : reader(stream, format);
            if (reader == null) {
                throw new IOException(source + ": unreadable image (not a PNG or JPEG file ImageIO can decode)");
            }
            boolean reusable = false;
            try {
                reader.setInput(stream, true, true);
                int w = reader.getWidth(0);
                int h = reader.getHeight(0);
                if (w < 1 || h < 1 || (long) w * h > maxPixels) {
                    throw new IOException(String.format(Locale.ROOT, "%s: image of %d x %d pixels is over the limit of %,d "
                            + "pixels (raise it with -D%s=N)", source, w, h, maxPixels, MAX_PIXELS_PROPERTY));
                }
                ImageReadParam param = reader.getDefaultReadParam();
                int step = subsampling(h, w, targetHeight, targetWidth);
                if (step > 1) {
                    param.setSourceSubsampling(step, step, 0, 0);
                }
                List<String> warnings = new ArrayList<>(1);
                IIOReadWarningListener listener = (r, warning) -> warnings.add(warning);
                reader.addIIOReadWarningListener(listener);
                try {
                    img = reader.read(0, param);
                } finally {
                    reader.removeIIOReadWarningListener(listener);
                }
                reusable = true;
                for (String warning : warnings) {
                    // ImageIO's JPEG reader only warns about a file cut short ("Truncated File - Missing EOI marker")
                    // and fills the missing part with gray: such pixels are not the image, so the file is refused like
                    // any other broken one.
                    if (warning != null && warning.startsWith("Truncated File")) {
                        throw new IOException(source + ": unreadable image (the file ends early: " + warning + ")");
                    }
                }
            } finally {
                release(reader, reusable ? format : null);
            }
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(source + ":")) {
                throw e;
            }
            throw new IOException(source + ": unreadable image (" + e.getMessage() + ")", e);
        } catch (RuntimeException e) {
            throw new IOException(source + ": unreadable image (" + e + ")", e);
        }
        if (img == null) {
            throw new IOException(source + ": unreadable image (ImageIO returned nothing)");
        }
        return toPixels(img);
    }

    /**
     * This thread's reader for the stream's format. Finding one through ImageIO's service registry asks every
     * installed reader whether it can decode the stream, which cost more than decoding a small PNG (profiled), so the
     * reader found for a format is kept per thread (readers are not thread-safe) and {@link ImageReader#reset reset}
     * between images; a reader whose decode failed is disposed of, not kept. The reader kept for a format is the one
     * ImageIO chose for a stream of that format, so it is the one ImageIO would choose again.
     */
    private static ImageReader reader(ImageInputStream stream, String format) throws IOException {
        ImageReader cached = format == null ? null : READERS.get().remove(format);
        if (cached != null) {
            return cached;
        }
        Iterator<ImageReader> readers = ImageIO.getImageReaders(stream);
        return readers.hasNext() ? readers.next() : null;
    }

    /** Keeps {@code reader} as this thread's reader for {@code format}, or disposes of it when that is null. */
    private static void release(ImageReader reader, String format) {
        if (format != null) {
            reader.reset();
            READERS.get().putIfAbsent(format, reader);
        } else {
            reader.dispose();
        }
    }

    /** PNG or JPEG from the first bytes (the stream is left where it was), else {@code null}. */
    private static String sniff(ImageInputStream stream) throws IOException {
        byte[] head = new byte[4];
        stream.mark();
        int n;
        try {
            n = stream.read(head);
        } finally {
            stream.reset();
        }
        if (n == 4 && (head[0] & 0xFF) == 0x89 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G') {
            return "png";
        }
        if (n >= 3 && (head[0] & 0xFF) == 0xFF && (head[1] & 0xFF) == 0xD8 && (head[2] & 0xFF) == 0xFF) {
            return "jpeg";
        }
        return null;
    }

    /** The subsampling step that keeps the decoded image at least twice the target in both dimensions. */
    static int subsampling(int h, int w, int targetHeight, int targetWidth) {
        if (targetHeight < 1 || targetWidth < 1) {
            return 1;
        }
        int step = Math.min(h / (2 * targetHeight), w / (2 * targetWidth));
        return Math.max(1, step);
    }

    /**
     * The samples of a one-band 8-bit raster when they lie in its buffer row after row with nothing in between (what
     * ImageIO decodes a gray PNG or JPEG to), else {@code null}: reading them there skips a copy through int samples.
     */
    private static byte[] packedBytes(Raster raster, int w, int h) {
        if (raster.getNumBands() != 1 || raster.getSampleModelTranslateX() != 0 || raster.getSampleModelTranslateY() != 0
                || !(raster.getDataBuffer() instanceof DataBufferByte buffer) || buffer.getNumBanks() != 1
                || buffer.getOffset() != 0 || !(raster.getSampleModel() instanceof ComponentSampleModel model)
                || model.getPixelStride() != 1 || model.getScanlineStride() != w || model.getBandOffsets()[0] != 0
                || buffer.getSize() < w * h) {
            return null;
        }
        return buffer.getData();
    }

    /** Converts a decoded image to [C, H, W] floats: gray stays one channel (its stored level, no colour management). */
    public static DecodedImage toPixels(BufferedImage img) {
        int h = img.getHeight();
        int w = img.getWidth();
        Raster raster = img.getRaster();
        int bands = raster.getNumBands();
        boolean gray = !(img.getColorModel() instanceof IndexColorModel) && (bands == 1 || bands == 2)
                && img.getColorModel().getColorSpace().getNumComponents() == 1;
        if (gray) {
            // Read the stored gray level directly: getRGB would push it through a colour-space conversion and shift it.
            int bits = img.getColorModel().getComponentSize(0);
            float max = (float) ((1L << bits) - 1);
            float[] px = new float[h * w];
            byte[] packed = bits == 8 ? packedBytes(raster, w, h) : null;
            if (packed != null) {
                for (int i = 0; i < px.length; i++) {
                    px[i] = (packed[i] & 0xFF) / max;
                }
            } else {
                int[] s = raster.getSamples(0, 0, w, h, 0, (int[]) null);
                for (int i = 0; i < px.length; i++) {
                    px[i] = s[i] / max;
                }
            }
            return new DecodedImage(1, h, w, px);
        }
        int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
        int plane = h * w;
        float[] px = new float[3 * plane];
        for (int i = 0; i < plane; i++) {
            int p = argb[i];
            px[i] = ((p >> 16) & 0xFF) / 255f;
            px[plane + i] = ((p >> 8) & 0xFF) / 255f;
            px[2 * plane + i] = (p & 0xFF) / 255f;
        }
        return new DecodedImage(3, h, w, px);
    }
}
