package org.contrastive4j.core.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.sun.management.ThreadMXBean;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Consumer;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link PlainPng} gives exactly ImageIO's pixels for every PNG it takes, and declines (null, so that ImageIO decodes)
 * everything else. Expected pixels always come from ImageIO's decode of the same bytes (and, for PNGs written here, from
 * the levels written); the PNGs are written by ImageIO or byte by byte from the PNG specification, never by PlainPng.
 */
class PlainPngTest {

    private static final long LIMIT = ImageDecoder.DEFAULT_MAX_PIXELS;
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    private static final int GRAY = 0;
    private static final int RGB = 2;
    private static final int GRAY_ALPHA = 4;
    private static final int RGBA = 6;
    /** Bytes that declining a crafted file may allocate: the chunk scan's few objects, nothing the size of an image. */
    private static final long ALLOCATION_BOUND = 64 * 1024;

    @TempDir
    Path dir;

    // ---------------------------------------------------------------- PNGs written by ImageIO

    @Test
    void pngsWrittenByImageIoDecodeToImageIoPixels() throws IOException {
        // The JDK's writer filters every row of a non-palette image with None (it picks filters for palette images
        // only), so the filters are covered by the hand-written PNGs below; its compression modes vary the zlib blocks.
        int[][] sizes = {{1, 1}, {3, 7}, {28, 28}, {61, 37}, {200, 150}};
        long seed = 0;
        for (int[] size : sizes) {
            for (boolean smooth : new boolean[] {false, true}) {
                int w = size[0];
                int h = size[1];
                seed++;
                BufferedImage[] images = {gray(w, h, smooth, seed), grayAlpha(w, h, smooth, seed),
                    colour(w, h, smooth, seed, BufferedImage.TYPE_INT_RGB),
                    colour(w, h, smooth, seed, BufferedImage.TYPE_3BYTE_BGR),
                    colour(w, h, smooth, seed, BufferedImage.TYPE_INT_ARGB),
                    colour(w, h, smooth, seed, BufferedImage.TYPE_4BYTE_ABGR)};
                int[] colourTypes = {GRAY, GRAY_ALPHA, RGB, RGB, RGBA, RGBA};
                for (int i = 0; i < images.length; i++) {
                    String what = w + "x" + h + (smooth ? " smooth" : " random") + ", colour type " + colourTypes[i];
                    assertDecodesLikeImageIo(written(images[i], colourTypes[i]), what);
                    for (float quality : new float[] {-1, 0, 0.8f}) { // stored blocks, level 9, level 2
                        assertDecodesLikeImageIo(written(images[i], colourTypes[i], quality), what + " q " + quality);
                    }
                }
            }
        }
    }

    @Test
    void theDecoderGivesTheSamePixelsForBytesAsForTheirFile() throws IOException {
        ImageDecoder decoder = ImageDecoder.defaults();
        for (byte[] png : new byte[][] {written(gray(61, 37, false, 7), GRAY),
                written(colour(61, 37, true, 8, BufferedImage.TYPE_INT_ARGB), RGBA)}) {
            assertNotNull(PlainPng.decode(png, LIMIT, 28, 28)); // 61 x 37 is under twice 28 x 28: not subsampled
            Path file = Files.write(dir.resolve("image.png"), png);
            assertSameImage(decoder.decode(file, 28, 28), decoder.decode(png, "bytes", 28, 28), "bytes vs file");
        }
    }

    @Test
    void colourSpaceChunksDoNotChangeThePixels() throws IOException {
        // gAMA 1.0 and 0.2, cHRM and sRGB: the JDK's reader keeps them as metadata, it never converts pixels with them
        byte[] gamma1 = ByteBuffer.allocate(4).putInt(100000).array();
        byte[] gammaLow = ByteBuffer.allocate(4).putInt(20000).array();
        ByteBuffer chrm = ByteBuffer.allocate(32);
        for (int v : new int[] {31270, 32900, 64000, 33000, 30000, 60000, 15000, 6000}) {
            chrm.putInt(v);
        }
        for (byte[] base : new byte[][] {written(gray(28, 28, false, 3), GRAY),
                written(colour(28, 28, false, 4, BufferedImage.TYPE_INT_RGB), RGB),
                written(colour(28, 28, false, 5, BufferedImage.TYPE_INT_ARGB), RGBA)}) {
            for (byte[] png : new byte[][] {withChunkBeforeData(base, "gAMA", gamma1),
                    withChunkBeforeData(base, "gAMA", gammaLow), withChunkBeforeData(base, "cHRM", chrm.array()),
                    withChunkBeforeData(base, "sRGB", new byte[] {0})}) {
                DecodedImage plain = assertDecodesLikeImageIo(png, "colour-space chunk");
                // and like ImageIO when it reads the metadata rather than skip it
                assertSameImage(imageIoWithMetadata(png), plain, "with metadata read");
            }
        }
    }

    // ---------------------------------------------------------------- PNGs written here, byte by byte

    @Test
    void everyFilterTypeOnEveryRowDecodesToTheLevelsWritten() throws IOException {
        int[][] sizes = {{1, 1}, {3, 7}, {61, 37}};
        Random rnd = new Random(42);
        for (int colourType : new int[] {GRAY, GRAY_ALPHA, RGB, RGBA}) {
            int channels = channels(colourType);
            for (int[] size : sizes) {
                int w = size[0];
                int h = size[1];
                for (boolean smooth : new boolean[] {false, true}) {
                    byte[][] rows = levels(h, w * channels, smooth, rnd);
                    float[] expected = expected(rows, w, channels);
                    // each filter on every row, then the five filters in turn starting from each
                    for (int scheme = 0; scheme < 10; scheme++) {
                        int[] filter = new int[h];
                        for (int y = 0; y < h; y++) {
                            filter[y] = scheme < 5 ? scheme : (y + scheme) % 5;
                        }
                        byte[] zlib = zlib(filtered(rows, filter, channels), scheme % 3 == 0 ? 0 : 9, null);
                        byte[] png = new Png().ihdr(w, h, 8, colourType, 0).idat(zlib, cuts(zlib.length, rnd)).end();
                        String what = "colour type " + colourType + ", " + w + "x" + h + ", filters "
                                + Arrays.toString(filter);
                        DecodedImage plain = assertDecodesLikeImageIo(png, what);
                        assertTrue(Arrays.equals(expected, plain.pixels()), what + ": not the levels written");
                    }
                }
            }
        }
    }

    @Test
    void emptyDataChunksAndAncillaryChunksBeforeTheDataAreTaken() throws IOException {
        byte[][] rows = levels(7, 3 * 3, false, new Random(1));
        byte[] zlib = zlib(filtered(rows, new int[] {4, 3, 2, 1, 0, 4, 3}, 3), 6, null);
        byte[] png = new Png().ihdr(3, 7, 8, RGB, 0).chunk("tEXt", "Comment\0hi".getBytes(StandardCharsets.ISO_8859_1))
                .chunk("pHYs", new byte[9]).idat(new byte[0]).idat(zlib, 0, 0, 1, zlib.length).chunk("tIME", new byte[7])
                .end();
        DecodedImage plain = assertDecodesLikeImageIo(png, "empty IDATs and ancillary chunks");
        assertTrue(Arrays.equals(expected(rows, 3, 3), plain.pixels()));
    }

    // ---------------------------------------------------------------- what it declines

    @Test
    void otherKindsOfPngAreLeftToImageIo() throws IOException {
        BufferedImage gray16 = new BufferedImage(9, 5, BufferedImage.TYPE_USHORT_GRAY);
        gray16.getRaster().setSample(3, 2, 0, 40000);
        assertFallsBack(written(gray16, GRAY), "16-bit gray");
        byte[] rgb16 = zlib(new byte[5 * (1 + 6 * 4)], 6, null);
        assertFallsBack(new Png().ihdr(4, 5, 16, RGB, 0).idat(rgb16).end(), "16-bit RGB");
        BufferedImage palette = new BufferedImage(9, 5, BufferedImage.TYPE_BYTE_INDEXED);
        palette.setRGB(1, 1, 0xff3366);
        assertFallsBack(written(palette, 3), "palette");
        byte[] packed = zlib(new byte[5 * (1 + 2)], 6, null);
        assertFallsBack(new Png().ihdr(9, 5, 1, GRAY, 0).idat(packed).end(), "1-bit gray");
        assertFallsBack(interlaced(colour(13, 11, false, 9, BufferedImage.TYPE_INT_RGB)), "interlaced");

        byte[] plain = written(gray(9, 5, false, 10), GRAY);
        assertFallsBack(withChunkBeforeData(plain, "tRNS", new byte[] {0, 7}), "tRNS");
        byte[] rgb = written(colour(9, 5, false, 11, BufferedImage.TYPE_INT_RGB), RGB);
        assertFallsBack(withChunkBeforeData(rgb, "tRNS", new byte[] {0, 1, 0, 2, 0, 3}), "RGB tRNS");
        byte[] iccp = concat("icc\0\0".getBytes(StandardCharsets.ISO_8859_1), zlib(new byte[128], 6, null));
        assertFallsBack(withChunkBeforeData(plain, "iCCP", iccp), "iCCP");
        assertFallsBack(withChunkBeforeData(rgb, "PLTE", new byte[] {1, 2, 3, 4, 5, 6}), "suggested palette");
        assertFallsBack(withChunkBeforeData(rgb, "ABCD", new byte[3]), "unknown critical chunk");
    }

    @Test
    void damagedFilesAreLeftToImageIo() throws IOException {
        byte[] png = written(colour(28, 28, false, 12, BufferedImage.TYPE_INT_RGB), RGB);
        int idat = find(png, "IDAT");
        byte[] badCrc = png.clone();
        badCrc[idat + 8 + readInt(png, idat)] ^= 1;
        assertFallsBack(badCrc, "IDAT CRC mismatch");
        byte[] badHeaderCrc = png.clone();
        badHeaderCrc[32] ^= 0x40;
        assertFallsBack(badHeaderCrc, "IHDR CRC mismatch");
        byte[] badData = png.clone();
        badData[idat + 8 + 20] ^= 0x10; // CRC fixed again: only the zlib stream is damaged
        assertFallsBack(withCrcs(badData), "damaged zlib data");
        for (int n = 0; n < png.length; n++) {
            assertNull(PlainPng.decode(Arrays.copyOf(png, n), LIMIT, 0, 0), "truncated to " + n + " bytes");
        }
        byte[] pastEnd = png.clone();
        writeInt(pastEnd, idat, readInt(png, idat) + 100);
        assertFallsBack(pastEnd, "IDAT length past the end of the file");
        byte[] negative = png.clone();
        writeInt(negative, idat, -5);
        assertFallsBack(negative, "negative IDAT length");
        byte[] noEnd = Arrays.copyOf(png, png.length - 12);
        assertFallsBack(noEnd, "no IEND");
        assertFallsBack(concat(Arrays.copyOf(png, idat), Arrays.copyOfRange(png, png.length - 12, png.length)),
                "no IDAT");
    }

    @Test
    void streamsThatDoNotHoldExactlyTheImageAreLeftToImageIo() throws IOException {
        Random rnd = new Random(5);
        byte[][] rows = levels(7, 3 * 4, false, rnd);
        int[] filters = {0, 1, 2, 3, 4, 0, 1};
        byte[] raw = filtered(rows, filters, 4);
        byte[] good = zlib(raw, 6, null);
        assertNotNull(PlainPng.decode(new Png().ihdr(3, 7, 8, RGBA, 0).idat(good).end(), LIMIT, 0, 0));

        byte[] extraRow = zlib(concat(raw, Arrays.copyOfRange(raw, 0, 13)), 6, null);
        assertFallsBack(new Png().ihdr(3, 7, 8, RGBA, 0).idat(extraRow).end(), "an extra row in the stream");
        byte[] extraByte = zlib(concat(raw, new byte[1]), 6, null);
        assertFallsBack(new Png().ihdr(3, 7, 8, RGBA, 0).idat(extraByte).end(), "an extra byte in the stream");
        byte[] shortRow = zlib(Arrays.copyOf(raw, raw.length - 1), 6, null);
        assertFallsBack(new Png().ihdr(3, 7, 8, RGBA, 0).idat(shortRow).end(), "a byte short");
        byte[] trailing = concat(good, new byte[] {1, 2, 3});
        assertFallsBack(new Png().ihdr(3, 7, 8, RGBA, 0).idat(trailing).end(), "bytes after the zlib stream");
        assertFallsBack(new Png().ihdr(3, 7, 8, RGBA, 0).idat(good).idat(new byte[] {9}).end(),
                "an IDAT after the zlib stream");
        byte[] unfinished = Arrays.copyOf(good, good.length - 4); // every row, but no Adler-32
        assertFallsBack(new Png().ihdr(3, 7, 8, RGBA, 0).idat(unfinished).end(), "no end of stream");
        byte[] badAdler = good.clone();
        badAdler[badAdler.length - 1] ^= 1;
        assertFallsBack(new Png().ihdr(3, 7, 8, RGBA, 0).idat(badAdler).end(), "wrong Adler-32");
        byte[] dictionary = zlib(raw, 6, new byte[] {1, 2, 3, 4});
        assertFallsBack(new Png().ihdr(3, 7, 8, RGBA, 0).idat(dictionary).end(), "a preset dictionary");
        int half = good.length / 2;
        assertFallsBack(new Png().ihdr(3, 7, 8, RGBA, 0).idat(Arrays.copyOf(good, half)).chunk("tEXt", new byte[] {'a', 0})
                .idat(Arrays.copyOfRange(good, half, good.length)).end(), "IDAT chunks that do not follow one another");

        int[] badFilter = filters.clone();
        badFilter[3] = 5;
        byte[] five = new Png().ihdr(3, 7, 8, RGBA, 0).idat(zlib(filtered(rows, badFilter, 4), 6, null)).end();
        assertFallsBack(five, "filter type 5");
    }

    @Test
    void foreignBytesAreLeftToImageIo() throws IOException {
        assertNull(PlainPng.decode(new byte[0], LIMIT, 0, 0));
        assertNull(PlainPng.decode("not an image at all, but long enough for a header".getBytes(), LIMIT, 0, 0));
        assertNull(PlainPng.decode(Arrays.copyOf(SIGNATURE, 64), LIMIT, 0, 0));
        ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
        ImageIO.write(colour(16, 16, true, 1, BufferedImage.TYPE_INT_RGB), "jpg", jpeg);
        assertNull(PlainPng.decode(jpeg.toByteArray(), LIMIT, 0, 0));
    }

    @Test
    void aHugeDeclaredSizeCostsNoLargeArray() {
        // 10^10 pixels: over the limit, refused from IHDR alone
        assertDeclinedCheaply(new Png().ihdr(100000, 100000, 8, RGB, 0).idat(new byte[] {0x78, 1}).end(), LIMIT);
        // no limit at all: 10^10 pixels are past any Java array
        assertDeclinedCheaply(new Png().ihdr(100000, 100000, 8, GRAY, 0).idat(new byte[] {0x78, 1}).end(),
                Long.MAX_VALUE);
        // no limit and 1.6 GB of rows that fit an array: a few compressed bytes cannot inflate to them
        byte[] tiny = zlib(new byte[1000], 9, null);
        assertDeclinedCheaply(new Png().ihdr(40000, 40000, 8, GRAY, 0).idat(tiny).end(), Long.MAX_VALUE);
        // within the limit (5000 x 5000 RGBA, 100 MB of rows) but with a stream far too short for it
        assertDeclinedCheaply(new Png().ihdr(5000, 5000, 8, RGBA, 0).idat(tiny).end(), LIMIT);
    }

    @Test
    void randomlyDamagedPngsDecodeLikeImageIoOrAreLeftToIt() throws IOException {
        Random rnd = new Random(2024);
        byte[][] bases = {written(gray(9, 6, true, 1), GRAY), written(grayAlpha(7, 5, false, 2), GRAY_ALPHA),
                written(colour(6, 9, true, 3, BufferedImage.TYPE_INT_RGB), RGB),
                written(colour(5, 4, false, 4, BufferedImage.TYPE_INT_ARGB), RGBA)};
        int taken = 0;
        for (int i = 0; i < 4000; i++) {
            byte[] png = bases[i % bases.length].clone();
            int flips = 1 + rnd.nextInt(3);
            for (int f = 0; f < flips; f++) {
                png[8 + rnd.nextInt(png.length - 8)] ^= (byte) (1 << rnd.nextInt(8));
            }
            if (rnd.nextInt(4) != 0) {
                png = withCrcs(png); // mostly: get past the CRC check to the parts behind it
            }
            DecodedImage plain;
            try {
                plain = PlainPng.decode(png, LIMIT, 0, 0);
            } catch (RuntimeException e) {
                throw new AssertionError("damaged PNG #" + i + " threw instead of being left to ImageIO", e);
            }
            if (plain != null) {
                taken++;
                DecodedImage expected;
                try {
                    expected = imageIo(png);
                } catch (IOException | RuntimeException e) {
                    throw new AssertionError("PlainPng took damaged PNG #" + i + " that ImageIO refuses", e);
                }
                assertSameImage(expected, plain, "damaged PNG #" + i);
            }
        }
        assertTrue(taken > 0, "no damaged PNG was taken: the comparison above never ran");
    }

    // ---------------------------------------------------------------- through ImageDecoder.decode(byte[], ...)

    @Test
    void theDecoderStillReportsDamagedAndOverLimitImages() throws IOException {
        byte[][] rows = levels(5, 4, false, new Random(3));
        byte[] five = new Png().ihdr(4, 5, 8, GRAY, 0).idat(zlib(filtered(rows, new int[] {0, 1, 5, 2, 3}, 1), 6, null))
                .end();
        IOException bad = assertThrows(IOException.class, () -> ImageDecoder.defaults().decode(five, "req[2]", 0, 0));
        assertTrue(bad.getMessage().startsWith("req[2]: unreadable image"), bad.getMessage());
        byte[] png = written(gray(28, 28, false, 4), GRAY);
        IOException cut = assertThrows(IOException.class,
                () -> ImageDecoder.defaults().decode(Arrays.copyOf(png, png.length / 2), "req[3]", 0, 0));
        assertTrue(cut.getMessage().startsWith("req[3]: unreadable image"), cut.getMessage());
        IOException over = assertThrows(IOException.class, () -> new ImageDecoder(783).decode(png, "req[4]", 0, 0));
        assertTrue(over.getMessage().startsWith("req[4]: image of 28 x 28 pixels is over the limit of 783 pixels"),
                over.getMessage());
        assertNotNull(new ImageDecoder(784).decode(png, "req[5]", 0, 0));
    }

    @Test
    void anImageOverTwiceTheTargetIsStillSubsampledByImageIo() throws IOException {
        ImageDecoder decoder = ImageDecoder.defaults();
        byte[] big = written(colour(400, 400, false, 6, BufferedImage.TYPE_INT_RGB), RGB);
        assertNull(PlainPng.decode(big, LIMIT, 28, 28), "PlainPng would hold 400 x 400 at full resolution");
        assertNotNull(PlainPng.decode(big, LIMIT, 0, 0));
        DecodedImage fromBytes = decoder.decode(big, "big", 28, 28);
        assertEquals(58, fromBytes.height()); // step min(400 / 56, 400 / 56) = 7: ceil(400 / 7) rows
        assertEquals(58, fromBytes.width());
        assertSameImage(decoder.decode(Files.write(dir.resolve("big.png"), big), 28, 28), fromBytes, "subsampled");

        // ImageIO subsamples only where both sides are at least twice the target's: 112 x 112 for 28 x 28, not 111
        byte[] edge = written(gray(112, 112, false, 7), GRAY);
        assertNull(PlainPng.decode(edge, LIMIT, 28, 28));
        assertNotNull(PlainPng.decode(edge, LIMIT, 29, 28));
        assertNotNull(PlainPng.decode(written(gray(111, 112, false, 8), GRAY), LIMIT, 28, 28));
        DecodedImage halved = decoder.decode(edge, "edge", 28, 28);
        assertEquals(56, halved.height());
        assertSameImage(decoder.decode(Files.write(dir.resolve("edge.png"), edge), 28, 28), halved, "subsampled edge");
    }

    // ---------------------------------------------------------------- assertions

    /** PlainPng takes the PNG and gives exactly ImageIO's pixels for it (ImageIO + toPixels). */
    private static DecodedImage assertDecodesLikeImageIo(byte[] png, String what) throws IOException {
        DecodedImage plain = PlainPng.decode(png, LIMIT, 0, 0);
        assertNotNull(plain, what + ": declined");
        assertSameImage(imageIo(png), plain, what);
        return plain;
    }

    /** PlainPng declines the PNG, and the decoder's bytes path then does whatever ImageIO does with it. */
    private static void assertFallsBack(byte[] png, String what) throws IOException {
        assertNull(PlainPng.decode(png, LIMIT, 0, 0), what + ": taken");
        DecodedImage expected;
        try {
            expected = imageIo(png);
        } catch (IOException | RuntimeException e) {
            IOException failed = assertThrows(IOException.class,
                    () -> ImageDecoder.defaults().decode(png, "image", 0, 0), what);
            assertTrue(failed.getMessage().startsWith("image: "), failed.getMessage());
            return;
        }
        assertSameImage(expected, ImageDecoder.defaults().decode(png, "image", 0, 0), what);
    }

    /** PlainPng declines in well under a second and allocates nothing the size of the declared image. */
    private static void assertDeclinedCheaply(byte[] png, long maxPixels) {
        ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        PlainPng.decode(png, maxPixels, 0, 0); // loads classes, so that only the decode is measured below
        long start = System.nanoTime();
        long before = mx.getCurrentThreadAllocatedBytes();
        DecodedImage image = PlainPng.decode(png, maxPixels, 0, 0);
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertNull(image);
        assertTrue(allocated < ALLOCATION_BOUND, "allocated " + allocated + " bytes");
        assertTrue(millis < 1000, "took " + millis + " ms");
    }

    private static void assertSameImage(DecodedImage expected, DecodedImage actual, String what) {
        assertEquals(expected.channels(), actual.channels(), what + ": channels");
        assertEquals(expected.height(), actual.height(), what + ": height");
        assertEquals(expected.width(), actual.width(), what + ": width");
        if (!Arrays.equals(expected.pixels(), actual.pixels())) {
            fail(what + ": pixels differ");
        }
    }

    // ---------------------------------------------------------------- references

    private static DecodedImage imageIo(byte[] png) throws IOException {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        if (img == null) {
            throw new IOException("ImageIO read nothing");
        }
        return ImageDecoder.toPixels(img);
    }

    /** ImageIO's decode with the metadata read (ImageIO.read and the decoder skip it). */
    private static DecodedImage imageIoWithMetadata(byte[] png) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(png))) {
            ImageReader reader = ImageIO.getImageReadersByFormatName("png").next();
            try {
                reader.setInput(in, true, false);
                BufferedImage img = reader.read(0);
                assertNotNull(reader.getImageMetadata(0));
                return ImageDecoder.toPixels(img);
            } finally {
                reader.dispose();
            }
        }
    }

    // ---------------------------------------------------------------- images and PNGs written by ImageIO

    private static BufferedImage gray(int w, int h, boolean smooth, long seed) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        fill(img.getRaster(), smooth, seed);
        return img;
    }

    /** Gray + alpha: a two-band interleaved raster, which ImageIO writes as PNG colour type 4. */
    private static BufferedImage grayAlpha(int w, int h, boolean smooth, long seed) {
        BufferedImage img = ImageTypeSpecifier.createInterleaved(ColorSpace.getInstance(ColorSpace.CS_GRAY),
                new int[] {0, 1}, DataBuffer.TYPE_BYTE, true, false).createBufferedImage(w, h);
        fill(img.getRaster(), smooth, seed);
        return img;
    }

    /** RGB or ARGB (alpha 0 included, with colour behind it) of {@code type}. */
    private static BufferedImage colour(int w, int h, boolean smooth, long seed, int type) {
        BufferedImage img = new BufferedImage(w, h, type);
        fill(img.getRaster(), smooth, seed);
        return img;
    }

    /** Random levels, or smooth gradients (a different slope per band) that make a writer pick Sub, Up or Paeth. */
    private static void fill(WritableRaster r, boolean smooth, long seed) {
        Random rnd = new Random(seed);
        for (int y = 0; y < r.getHeight(); y++) {
            for (int x = 0; x < r.getWidth(); x++) {
                for (int b = 0; b < r.getNumBands(); b++) {
                    r.setSample(x, y, b, smooth ? (x * (b + 1) + 3 * y + 40 * b) & 0xFF : rnd.nextInt(256));
                }
            }
        }
    }

    /** The image as ImageIO writes it, checked to be 8-bit PNG of {@code colourType}. */
    private static byte[] written(BufferedImage img, int colourType) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(img, "png", out));
        byte[] png = out.toByteArray();
        assertEquals(colourType, png[25], "colour type ImageIO wrote");
        return png;
    }

    /**
     * The image as ImageIO writes it with compression {@code quality} (below 0: compression disabled), checked to be
     * 8-bit PNG of {@code colourType}.
     */
    private static byte[] written(BufferedImage img, int colourType, float quality) throws IOException {
        byte[] png = write(img, param -> {
            if (quality < 0) {
                param.setCompressionMode(ImageWriteParam.MODE_DISABLED);
            } else {
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionQuality(quality);
            }
        });
        assertEquals(colourType, png[25], "colour type ImageIO wrote");
        return png;
    }

    private static byte[] interlaced(BufferedImage img) throws IOException {
        byte[] png = write(img, param -> param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT));
        assertEquals(1, png[28], "interlace method ImageIO wrote");
        return png;
    }

    private static byte[] write(BufferedImage img, Consumer<ImageWriteParam> settings) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(stream);
            ImageWriteParam param = writer.getDefaultWriteParam();
            settings.accept(param);
            writer.write(null, new IIOImage(img, null, null), param);
        } finally {
            writer.dispose();
        }
        byte[] png = out.toByteArray();
        assertEquals(8, png[24], "bit depth ImageIO wrote");
        return png;
    }

    // ---------------------------------------------------------------- PNGs written byte by byte

    private static int channels(int colourType) {
        return switch (colourType) {
            case GRAY -> 1;
            case GRAY_ALPHA -> 2;
            case RGB -> 3;
            case RGBA -> 4;
            default -> throw new IllegalArgumentException("colour type " + colourType);
        };
    }

    /** {@code h} rows of {@code rowBytes} sample bytes: random, or a smooth ramp. */
    private static byte[][] levels(int h, int rowBytes, boolean smooth, Random rnd) {
        byte[][] rows = new byte[h][rowBytes];
        for (int y = 0; y < h; y++) {
            for (int i = 0; i < rowBytes; i++) {
                rows[y][i] = (byte) (smooth ? 2 * i + 5 * y + 200 : rnd.nextInt(256));
            }
        }
        return rows;
    }

    /** The pixels ImageDecoder.toPixels gives for these levels: first sample as gray, or three planes of R, G, B. */
    private static float[] expected(byte[][] rows, int w, int channels) {
        int h = rows.length;
        int planes = channels <= 2 ? 1 : 3;
        float[] px = new float[planes * h * w];
        for (int c = 0; c < planes; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    px[(c * h + y) * w + x] = (rows[y][x * channels + c] & 0xFF) / 255f;
                }
            }
        }
        return px;
    }

    /** The rows filtered as the PNG specification (section 9) defines each filter, with its type byte first. */
    private static byte[] filtered(byte[][] rows, int[] filter, int bpp) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int y = 0; y < rows.length; y++) {
            byte[] row = rows[y];
            out.write(filter[y]);
            for (int i = 0; i < row.length; i++) {
                int x = row[i] & 0xFF;
                int a = i >= bpp ? row[i - bpp] & 0xFF : 0;
                int b = y > 0 ? rows[y - 1][i] & 0xFF : 0;
                int c = i >= bpp && y > 0 ? rows[y - 1][i - bpp] & 0xFF : 0;
                int predictor = switch (filter[y]) {
                    case 1 -> a;
                    case 2 -> b;
                    case 3 -> (a + b) / 2;
                    case 4 -> paethPredictor(a, b, c);
                    default -> 0; // None, and the unknown types written to be refused
                };
                out.write((x - predictor) & 0xFF);
            }
        }
        return out.toByteArray();
    }

    /** The Paeth predictor as the PNG specification writes it. */
    private static int paethPredictor(int a, int b, int c) {
        int p = a + b - c;
        int pa = Math.abs(p - a);
        int pb = Math.abs(p - b);
        int pc = Math.abs(p - c);
        if (pa <= pb && pa <= pc) {
            return a;
        }
        return pb <= pc ? b : c;
    }

    private static byte[] zlib(byte[] data, int level, byte[] dictionary) {
        Deflater deflater = new Deflater(level);
        try {
            if (dictionary != null) {
                deflater.setDictionary(dictionary);
            }
            deflater.setInput(data);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            while (!deflater.finished()) {
                out.write(buf, 0, deflater.deflate(buf));
            }
            return out.toByteArray();
        } finally {
            deflater.end();
        }
    }

    /** Odd places to split a zlib stream of {@code length} bytes into IDAT chunks (repeats give empty chunks). */
    private static int[] cuts(int length, Random rnd) {
        int[] cuts = new int[1 + rnd.nextInt(5)];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = rnd.nextInt(length + 1);
        }
        if (length > 3) {
            cuts[0] = 1; // inside the two-byte zlib header
        }
        Arrays.sort(cuts);
        return cuts;
    }

    /** A PNG written chunk by chunk. */
    private static final class Png {

        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Png() {
            out.writeBytes(SIGNATURE);
        }

        Png ihdr(int w, int h, int bitDepth, int colourType, int interlace) {
            return chunk("IHDR", ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) bitDepth).put((byte) colourType)
                    .put((byte) 0).put((byte) 0).put((byte) interlace).array());
        }

        Png chunk(String type, byte[] data) {
            out.writeBytes(PlainPngTest.chunk(type, data));
            return this;
        }

        /** The zlib stream as IDAT chunks split at {@code cuts} (ascending offsets). */
        Png idat(byte[] zlib, int... cuts) {
            int from = 0;
            for (int cut : cuts) {
                chunk("IDAT", Arrays.copyOfRange(zlib, from, cut));
                from = cut;
            }
            return chunk("IDAT", Arrays.copyOfRange(zlib, from, zlib.length));
        }

        byte[] end() {
            chunk("IEND", new byte[0]);
            return out.toByteArray();
        }
    }

    private static byte[] chunk(String type, byte[] data) {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        return ByteBuffer.allocate(12 + data.length).putInt(data.length).put(t).put(data).putInt((int) crc.getValue())
                .array();
    }

    /** The PNG with a chunk inserted just before its first IDAT chunk. */
    private static byte[] withChunkBeforeData(byte[] png, String type, byte[] data) {
        int idat = find(png, "IDAT");
        return concat(Arrays.copyOf(png, idat), chunk(type, data), Arrays.copyOfRange(png, idat, png.length));
    }

    /** The PNG with every chunk's CRC recomputed, as far as its chunk lengths lead within the file. */
    private static byte[] withCrcs(byte[] png) {
        byte[] fixed = png.clone();
        int at = 8;
        while (at + 12 <= fixed.length) {
            int length = readInt(fixed, at);
            if (length < 0 || length > fixed.length - at - 12) {
                break;
            }
            CRC32 crc = new CRC32();
            crc.update(fixed, at + 4, length + 4);
            writeInt(fixed, at + 8 + length, (int) crc.getValue());
            at += 12 + length;
        }
        return fixed;
    }

    /** Where the first chunk of {@code type} starts. */
    private static int find(byte[] png, String type) {
        int wanted = readInt(type.getBytes(StandardCharsets.US_ASCII), 0);
        for (int at = 8; at + 8 <= png.length; at += 12 + readInt(png, at)) {
            if (readInt(png, at + 4) == wanted) {
                return at;
            }
        }
        throw new AssertionError("no " + type + " chunk");
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static int readInt(byte[] b, int at) {
        return ByteBuffer.wrap(b, at, 4).getInt();
    }

    private static void writeInt(byte[] b, int at, int value) {
        ByteBuffer.wrap(b).putInt(at, value);
    }
}
