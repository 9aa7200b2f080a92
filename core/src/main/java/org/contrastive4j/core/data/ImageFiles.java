package org.contrastive4j.core.data;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.stream.IntStream;
import org.contrastive4j.core.image.DecodedImage;
import org.contrastive4j.core.image.ImageDecoder;
import org.contrastive4j.core.image.ImageFit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Images read from their files on demand: the {@link Dataset} behind image folders, manifests, file lists, globs and
 * single files. Nothing is decoded when it is opened; {@link #read} decodes one file (with {@link ImageDecoder}: pixel
 * limit, subsampled decoding of much larger images) and fits it to the dataset's {@code [C, H, W]} with
 * {@link ImageFit} (cover + centre crop), on whichever thread asks — the loader threads decode in parallel. Decoded
 * samples are kept in a {@link SampleCache} bounded in bytes ({@link LoadOptions#cacheBytes()}), so memory does not
 * grow with the number of files. Mixed sizes and modes (gray, RGB, RGBA, palette, 16-bit, PNG or JPEG) all become the
 * same shape.
 *
 * <p>An undecodable file fails its {@link #read} with a {@link DataException} naming it, unless the dataset was opened
 * with {@link LoadOptions#skipUnreadable()}: then every file is decoded once when it is opened, and the unreadable ones
 * are left out ({@link #skipped()} lists them).
 */
public final class ImageFiles implements Dataset {

    private static final Logger LOG = LoggerFactory.getLogger(ImageFiles.class);

    private final String source;
    private final Path[] files;
    private final String[] ids;
    private final int[] labels;
    private final List<String> classNames;
    private final int[] shape;
    private final ImageDecoder decoder;
    private final SampleCache cache;
    private final List<String> skipped;

    private ImageFiles(String source, Path[] files, String[] ids, int[] labels, List<String> classNames, int[] shape,
                       ImageDecoder decoder, SampleCache cache, List<String> skipped) {
        this.source = source;
        this.files = files;
        this.ids = ids;
        this.labels = labels;
        this.classNames = List.copyOf(classNames);
        this.shape = shape.clone();
        this.decoder = decoder;
        this.cache = cache;
        this.skipped = List.copyOf(skipped);
    }

    /**
     * @param files the image files, in dataset order
     * @param ids one id per file, for outputs (e.g. the path relative to the input)
     * @param labels one label per file, or {@code null} for unlabelled images
     * @param shape the {@code [C, H, W]} every image is fitted to (C = 1 or 3)
     */
    static ImageFiles open(String source, List<Path> files, List<String> ids, int[] labels, List<String> classNames,
                           int[] shape, LoadOptions options) throws IOException {
        if (files.size() != ids.size() || (labels != null && labels.length != files.size())) {
            throw new IllegalArgumentException(source + ": " + files.size() + " files, " + ids.size() + " ids, "
                    + (labels == null ? "no" : labels.length) + " labels");
        }
        if (shape.length != 3 || (shape[0] != 1 && shape[0] != 3) || shape[1] < 1 || shape[2] < 1) {
            throw new IllegalArgumentException(source + ": images are fitted to [1 or 3, H, W], not " + Arrays.toString(shape));
        }
        if (files.isEmpty()) {
            throw new IOException(source + ": no images");
        }
        ImageFiles all = new ImageFiles(source, files.toArray(new Path[0]), ids.toArray(new String[0]),
                labels == null ? null : labels.clone(), classNames, shape, ImageDecoder.defaults(),
                new SampleCache(options.cacheBytes()), List.of());
        return options.skipUnreadable() ? all.withoutUnreadable() : all;
    }

    /** Decodes every file once (in parallel) and keeps those that decode. */
    private ImageFiles withoutUnreadable() throws IOException {
        LOG.info("{}: decoding {} images once to find unreadable ones (skip-unreadable)", source, files.length);
        AtomicReferenceArray<String> errors = new AtomicReferenceArray<>(files.length);
        int len = sampleLength();
        ThreadLocal<float[]> buffers = ThreadLocal.withInitial(() -> new float[len]);
        IntStream.range(0, files.length).parallel().forEach(i -> {
            try {
                decodeInto(i, buffers.get(), 0);
            } catch (DataException e) {
                errors.set(i, e.getMessage());
            }
        });
        List<Integer> keep = new ArrayList<>();
        List<String> bad = new ArrayList<>();
        for (int i = 0; i < files.length; i++) {
            if (errors.get(i) == null) {
                keep.add(i);
            } else {
                bad.add(errors.get(i));
            }
        }
        if (keep.isEmpty()) {
            throw new IOException(source + ": none of the " + files.length + " images can be decoded (first: " + bad.get(0) + ")");
        }
        if (!bad.isEmpty()) {
            LOG.warn("{}: skipped {} unreadable of {} images (first: {})", source, bad.size(), files.length, bad.get(0));
        }
        ImageFiles kept = select(keep.stream().mapToInt(Integer::intValue).toArray());
        return new ImageFiles(source, kept.files, kept.ids, kept.labels, classNames, shape, decoder, cache, bad);
    }

    @Override
    public String source() {
        return source;
    }

    @Override
    public int size() {
        return files.length;
    }

    @Override
    public int[] sampleShape() {
        return shape.clone();
    }

    @Override
    public int[] labels() {
        return labels;
    }

    @Override
    public List<String> classNames() {
        return classNames;
    }

    @Override
    public String id(int i) {
        return ids[i];
    }

    /** The file of sample {@code i}. */
    public Path file(int i) {
        return files[i];
    }

    /** The files left out as unreadable (one message each, naming the file), when opened with skip-unreadable. */
    public List<String> skipped() {
        return skipped;
    }

    @Override
    public void read(int i, float[] dst, int offset) {
        float[] hit = cache.get(files[i]);
        if (hit != null) {
            System.arraycopy(hit, 0, dst, offset, hit.length);
            return;
        }
        try {
            decodeInto(i, dst, offset);
        } catch (DataException e) {
            throw new DataException(e.getMessage() + " (--skip-unreadable leaves such files out)", e.getCause());
        }
        cache.put(files[i], dst, offset, sampleLength());
    }

    private void decodeInto(int i, float[] dst, int offset) {
        DecodedImage img;
        try {
            img = decoder.decode(files[i], shape[1], shape[2]);
        } catch (NoSuchFileException e) {
            throw new DataException(files[i] + ": image file not found", e);
        } catch (IOException e) {
            throw new DataException(e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new DataException(files[i] + ": unreadable image (" + e + ")", e);
        }
        ImageFit.toInput(img, shape[0], shape[1], shape[2], dst, offset);
    }

    @Override
    public ImageFiles select(int[] indices) {
        Path[] f = new Path[indices.length];
        String[] d = new String[indices.length];
        int[] y = labels == null ? null : new int[indices.length];
        for (int k = 0; k < indices.length; k++) {
            f[k] = files[indices[k]];
            d[k] = ids[indices[k]];
            if (y != null) {
                y[k] = labels[indices[k]];
            }
        }
        return new ImageFiles(source, f, d, y, classNames, shape, decoder, cache, skipped);
    }

    /** Bytes of decoded samples the cache holds now (for tests and diagnostics). */
    long cachedBytes() {
        return cache.usedBytes();
    }

    @Override
    public String toString() {
        return "ImageFiles[" + source + ", " + files.length + " files -> " + Arrays.toString(shape) + "]";
    }
}
