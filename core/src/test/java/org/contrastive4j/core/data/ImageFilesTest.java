package org.contrastive4j.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.imageio.ImageIO;
import org.contrastive4j.core.image.ImageDecoder;
import org.contrastive4j.core.image.ImageFit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Image files as a streaming dataset: mixed sizes and modes, the fit policy, concurrency, the cache bound, bad files. */
class ImageFilesTest {

    @TempDir
    Path tmp;

    /**
     * A solid image in the given BufferedImage type: for gray types {@code rgb} is the stored level (set in the raster,
     * as setRGB would convert it through a linear gray colour space); otherwise an ARGB colour.
     */
    static BufferedImage solid(int w, int h, int type, int rgb) {
        BufferedImage img = new BufferedImage(w, h, type);
        if (type == BufferedImage.TYPE_USHORT_GRAY || type == BufferedImage.TYPE_BYTE_GRAY) {
            WritableRaster r = img.getRaster();
            int[] s = new int[w * h];
            Arrays.fill(s, rgb);
            r.setSamples(0, 0, w, h, 0, s);
            return img;
        }
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, rgb);
            }
        }
        return img;
    }

    static Path write(Path file, BufferedImage img) throws IOException {
        Files.createDirectories(file.getParent());
        String name = file.getFileName().toString();
        if (!ImageIO.write(img, name.endsWith(".png") ? "png" : "jpg", file.toFile())) {
            throw new IOException("no writer for " + file);
        }
        return file;
    }

    @Test
    void mixedSizesAndModesAllBecomeTheRequestedShape() throws IOException {
        // One class of each mode, of different sizes and aspect ratios; solid colours, so the expected value of every
        // output pixel is the colour itself whatever the crop and resize.
        write(tmp.resolve("gray/a.png"), solid(40, 10, BufferedImage.TYPE_BYTE_GRAY, 0x33));
        write(tmp.resolve("gray16/a.png"), solid(7, 31, BufferedImage.TYPE_USHORT_GRAY, 32768));
        write(tmp.resolve("palette/a.png"), solid(33, 17, BufferedImage.TYPE_BYTE_INDEXED, 0xFFFF0000));
        write(tmp.resolve("rgba/a.png"), solid(9, 9, BufferedImage.TYPE_INT_ARGB, 0x8000FF00));
        write(tmp.resolve("rgb/a.jpg"), solid(120, 64, BufferedImage.TYPE_INT_RGB, 0xFF0000FF));
        Dataset d = DataSources.open(tmp, LoadOptions.builder().channels(3).height(8).width(6).build());
        assertTrue(d instanceof ImageFiles, "image folders are read from the files on demand");
        assertArrayEquals(new int[] {3, 8, 6}, d.sampleShape());
        assertEquals(List.of("gray", "gray16", "palette", "rgb", "rgba"), d.classNames());
        float[][] expected = {
            {0x33 / 255f, 0x33 / 255f, 0x33 / 255f},
            {32768 / 65535f, 32768 / 65535f, 32768 / 65535f},
            {1, 0, 0},
            {0, 0, 1},
            {0, 1, 0},
        };
        float[] v = new float[d.sampleLength()];
        for (int i = 0; i < d.size(); i++) {
            d.read(i, v, 0);
            float tol = d.id(i).endsWith(".jpg") ? 4 / 255f : 1e-6f;
            for (int c = 0; c < 3; c++) {
                for (int p = 0; p < 48; p++) {
                    assertEquals(expected[i][c], v[c * 48 + p], tol, d.id(i) + " channel " + c);
                }
            }
        }
    }

    @Test
    void samplesAreTheOneFitPolicyOfTheDecodedImage() throws IOException {
        BufferedImage img = new BufferedImage(30, 12, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 12; y++) {
            for (int x = 0; x < 30; x++) {
                img.setRGB(x, y, (x * 8) << 16 | (y * 20) << 8 | 77);
            }
        }
        Path f = write(tmp.resolve("flat/grad.png"), img);
        Dataset d = DataSources.open(List.of(f.toString()), LoadOptions.builder().sampleShape(1, 5, 5).build());
        float[] v = new float[25];
        d.read(0, v, 0);
        assertArrayEquals(ImageFit.toInput(ImageDecoder.defaults().decode(f), 1, 5, 5), v, 0f);
    }

    private Path randomFolder(int n) throws IOException {
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < n; i++) {
            int w = 5 + r.nextInt(30);
            int h = 5 + r.nextInt(30);
            BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    img.setRGB(x, y, r.nextInt(1 << 24));
                }
            }
            write(tmp.resolve("c" + (i % 3) + "/" + i + ".png"), img);
        }
        return tmp;
    }

    @Test
    void concurrentReadsGiveTheSingleThreadedValues() throws Exception {
        randomFolder(24);
        Dataset plain = DataSources.open(tmp, LoadOptions.builder().height(8).cacheBytes(0).build());
        int len = plain.sampleLength();
        float[] reference = new float[plain.size() * len];
        for (int i = 0; i < plain.size(); i++) {
            plain.read(i, reference, i * len);
        }
        Dataset cached = DataSources.open(tmp, LoadOptions.builder().height(8).cacheBytes(5L * len * 4).build());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            Future<?>[] jobs = new Future<?>[8];
            for (int t = 0; t < jobs.length; t++) {
                long seed = t;
                jobs[t] = pool.submit(() -> {
                    SplittableRandom r = new SplittableRandom(seed);
                    float[] v = new float[len];
                    for (int k = 0; k < 60; k++) {
                        int i = r.nextInt(cached.size());
                        cached.read(i, v, 0);
                        assertArrayEquals(Arrays.copyOfRange(reference, i * len, (i + 1) * len), v, 0f, "sample " + i);
                    }
                    return null;
                });
            }
            for (Future<?> j : jobs) {
                j.get();
            }
        } finally {
            pool.shutdown();
        }
        long cachedBytes = ((ImageFiles) cached).cachedBytes();
        assertTrue(cachedBytes > 0 && cachedBytes <= 5L * len * 4, "cache holds " + cachedBytes + " bytes, bound "
                + 5L * len * 4);
    }

    @Test
    void openingDecodesNothingAndTheCacheStaysWithinItsBound() throws IOException {
        randomFolder(12);
        Files.writeString(tmp.resolve("c0/broken.png"), "not a png");
        // Opening lists files only: the broken file is found when it is read, not before.
        Dataset d = DataSources.open(tmp, LoadOptions.builder().height(16).cacheBytes(3L * 3 * 16 * 16 * 4).build());
        assertEquals(13, d.size());
        float[] v = new float[d.sampleLength()];
        for (int i = 0; i < d.size(); i++) {
            if (!d.id(i).endsWith("broken.png")) {
                d.read(i, v, 0);
            }
        }
        assertTrue(((ImageFiles) d).cachedBytes() <= 3L * 3 * 16 * 16 * 4);
        int broken = 0;
        while (!d.id(broken).equals("c0/broken.png")) {
            broken++;
        }
        int b = broken;
        DataException e = assertThrows(DataException.class, () -> d.read(b, v, 0));
        assertTrue(e.getMessage().contains("broken.png") && e.getMessage().contains("unreadable")
                && e.getMessage().contains("--skip-unreadable"), e.getMessage());
    }

    @Test
    void skipUnreadableLeavesBadFilesOutAndCountsThem() throws IOException {
        randomFolder(6);
        Files.writeString(tmp.resolve("c1/broken.png"), "not a png");
        Files.write(tmp.resolve("c2/empty.jpg"), new byte[0]);
        ImageFiles d = (ImageFiles) DataSources.open(tmp, LoadOptions.builder().height(8).skipUnreadable(true).build());
        assertEquals(6, d.size());
        assertEquals(2, d.skipped().size());
        assertTrue(d.skipped().stream().anyMatch(m -> m.contains("broken.png")), d.skipped().toString());
        assertTrue(d.skipped().stream().anyMatch(m -> m.contains("empty.jpg")), d.skipped().toString());
        assertTrue(Arrays.stream(d.labels()).allMatch(y -> y >= 0 && y < 3));
    }

    @Test
    void aPngClaimingHugeDimensionsIsRefusedByNameWithoutAllocating() throws IOException {
        Path bomb = tmp.resolve("c/bomb.png");
        Files.createDirectories(bomb.getParent());
        Files.write(bomb, CraftedFiles.pngHeader(30000, 30000));
        Dataset d = DataSources.open(tmp, LoadOptions.builder().height(8).build());
        float[] v = new float[d.sampleLength()];
        long before = CraftedFiles.allocatedBytes();
        DataException e = assertThrows(DataException.class, () -> d.read(0, v, 0));
        long allocated = CraftedFiles.allocatedBytes() - before;
        assertTrue(e.getMessage().contains("bomb.png") && e.getMessage().contains("30000 x 30000"), e.getMessage());
        assertTrue(allocated < 16L << 20, "allocated " + allocated + " bytes");
    }
}
