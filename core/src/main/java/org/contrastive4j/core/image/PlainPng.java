package org.contrastive4j.core.image;

import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decodes the PNGs that make up nearly all model inputs (8 bits a sample, gray, gray + alpha, RGB or RGBA, not
 * interlaced, no transparency or colour-profile chunk) straight from their bytes, to the same pixels as ImageIO followed
 * by {@link ImageDecoder#toPixels}. ImageIO costs more than the model for a small image (reader set-up, streams, a
 * {@code BufferedImage} and its raster per image: the server's profile put PNG decoding at 11 % of its Java time), and
 * this path allocates only the inflated rows and the pixels.
 *
 * <p>Anything this path does not take on exactly as ImageIO would (another bit depth, a palette, a tRNS chunk, which
 * ImageIO turns into alpha, interlacing, an iCCP profile, an unknown critical chunk, a chunk whose CRC does not match, a
 * short or over-long zlib stream, an unknown filter) makes it answer {@code null}, and the caller decodes with ImageIO,
 * so errors and edge cases keep ImageIO's behaviour and messages. The gAMA, cHRM and sRGB chunks are taken: the JDK's
 * reader keeps them as metadata only (and skips them unread when told to ignore metadata, as the decoder does), it
 * never converts pixels with them. An image over the pixel limit, or one that the caller would subsample, is declined
 * too: ImageIO reports the first with the decoder's own message, and never holds the second at full resolution, which
 * this path would.
 *
 * <p>Memory is bounded before anything is allocated: the declared size is checked against the pixel limit, every chunk
 * is checked to lie in the file with a matching CRC, and the declared rows must be within deflate's largest ratio
 * (1032 : 1) of the compressed bytes there are, so a small file that claims a large image costs no large array.
 */
final class PlainPng {

    private static final int IHDR = 0x49484452;
    private static final int IDAT = 0x49444154;
    private static final int IEND = 0x49454E44;
    private static final int ICCP = 0x69434350;
    private static final int TRNS = 0x74524E53;
    /** Where the first chunk after the signature and IHDR (8 + 4 + 4 + 13 + 4 bytes) starts. */
    private static final int AFTER_IHDR = 33;
    /** Deflate's largest output per input byte: a 258-byte match coded in two bits. */
    private static final int MAX_INFLATE_RATIO = 1032;
    /**
     * One inflater per thread, reset for each image: a new one allocates and clears zlib's ~40 KB of state per image,
     * a measurable part of decoding a small image (a server decodes thousands a second). Freed with its thread.
     */
    private static final ThreadLocal<Inflater> INFLATERS = ThreadLocal.withInitial(Inflater::new);

    /** What the IHDR chunk declares, for the image kinds this path decodes. */
    private record Header(int height, int width, int channels) {

        int rowBytes() {
            return width * channels;
        }

        /** The filtered rows: each row's filter byte, then its samples. */
        int rawBytes() {
            return height * (1 + rowBytes());
        }
    }

    private PlainPng() {}

    /**
     * The image's pixels, or {@code null} when ImageIO must decode it (see the class comment): also when it is over
     * {@code maxPixels}, or so much larger than {@code targetHeight x targetWidth} (0, 0: no target) that the caller
     * would subsample it ({@link ImageDecoder#subsampling}).
     */
    static DecodedImage decode(byte[] png, long maxPixels, int targetHeight, int targetWidth) {
        Header header = header(png, maxPixels, targetHeight, targetWidth);
        if (header == null) {
            return null;
        }
        long compressed = compressedBytes(png);
        if (compressed < 0 || header.rawBytes() > compressed * MAX_INFLATE_RATIO) {
            return null;
        }
        byte[] raw = inflate(png, header.rawBytes());
        if (raw == null || !unfilter(raw, header.height(), header.rowBytes(), header.channels())) {
            return null;
        }
        return toPixels(raw, header.height(), header.width(), header.channels());
    }

    /** The IHDR chunk's image when it is one this path decodes, within the limit and not to be subsampled. */
    private static Header header(byte[] png, long maxPixels, int targetHeight, int targetWidth) {
        if (png.length < AFTER_IHDR + 12 || readInt(png, 0) != 0x89504E47 || readInt(png, 4) != 0x0D0A1A0A
                || readInt(png, 8) != 13 || readInt(png, 12) != IHDR) {
            return null;
        }
        int width = readInt(png, 16);
        int height = readInt(png, 20);
        int channels = switch (png[25]) { // the colour type
            case 0 -> 1;
            case 2 -> 3;
            case 4 -> 2;
            case 6 -> 4;
            default -> 0;
        };
        // bit depth 8; compression, filter method and interlacing all 0
        if (png[24] != 8 || channels == 0 || png[26] != 0 || png[27] != 0 || png[28] != 0 || width < 1 || height < 1
                || (long) width * height > maxPixels
                || ImageDecoder.subsampling(height, width, targetHeight, targetWidth) > 1
                || (long) height * (1 + (long) width * channels) > Integer.MAX_VALUE - 8) {
            return null;
        }
        return new Header(height, width, channels);
    }

    /**
     * The IDAT chunks' total length when every chunk lies within the file, its CRC matches, the IDAT chunks follow one
     * another and IEND ends them, and no chunk changes what ImageIO would decode (a palette, an unknown critical chunk,
     * iCCP, tRNS); else -1.
     */
    private static long compressedBytes(byte[] png) {
        CRC32 crc = new CRC32();
        long compressed = 0;
        boolean inData = false;
        boolean afterData = false;
        int at = 8;
        while (true) {
            if (at > png.length - 12) {
                return -1;
            }
            int length = readInt(png, at);
            if (length < 0 || length > png.length - at - 12) {
                return -1;
            }
            crc.reset();
            crc.update(png, at + 4, length + 4);
            if ((int) crc.getValue() != readInt(png, at + 8 + length)) {
                return -1;
            }
            int type = readInt(png, at + 4);
            if (type == IEND) {
                return inData || afterData ? compressed : -1;
            } else if (type == IDAT) {
                if (afterData) {
                    return -1; // IDAT chunks must follow one another
                }
                inData = true;
                compressed += length;
            } else if (at != 8) { // not the IHDR chunk that header() read
                boolean critical = (png[at + 4] & 0x20) == 0;
                if (critical || type == ICCP || type == TRNS) {
                    return -1;
                }
                afterData |= inData;
                inData = false;
            }
            at += 12 + length;
        }
    }

    /** The IDAT chunks' zlib stream inflated, when it holds exactly {@code size} bytes and nothing after; else null. */
    private static byte[] inflate(byte[] png, int size) {
        byte[] raw = new byte[size];
        Inflater inflater = INFLATERS.get();
        inflater.reset();
        try {
            int at = AFTER_IHDR; // compressedBytes() checked every chunk up to IEND
            while (true) {
                int length = readInt(png, at);
                int type = readInt(png, at + 4);
                if (type == IEND) {
                    break;
                }
                if (type == IDAT && !inflate(inflater, png, at + 8, length, raw)) {
                    return null;
                }
                at += 12 + length;
            }
            return inflater.finished() && inflater.getBytesWritten() == size ? raw : null;
        } catch (DataFormatException e) {
            return null;
        }
    }

    /**
     * Inflates one IDAT chunk's bytes into the rest of {@code raw}; false if the stream holds more than {@code raw}, has
     * bytes after its end, or cannot go on (a preset dictionary, which PNG does not allow).
     */
    private static boolean inflate(Inflater inflater, byte[] png, int data, int length, byte[] raw)
            throws DataFormatException {
        if (inflater.finished()) {
            return length == 0;
        }
        inflater.setInput(png, data, length);
        while (!inflater.finished() && !inflater.needsInput()) {
            int done = (int) inflater.getBytesWritten();
            if (done == raw.length) {
                // only the end of the stream may follow: inflating one more byte must give nothing
                if (inflater.inflate(new byte[1]) != 0) {
                    return false;
                }
            } else if (inflater.inflate(raw, done, raw.length - done) != 0) {
                continue;
            }
            if (!inflater.finished() && !inflater.needsInput()) {
                return false;
            }
        }
        return inflater.getRemaining() == 0;
    }

    /** Undoes the per-row PNG filters in place (each row's first byte names its filter); false on an unknown one. */
    private static boolean unfilter(byte[] raw, int height, int rowBytes, int bpp) {
        int stride = rowBytes + 1;
        for (int y = 0; y < height; y++) {
            int row = y * stride + 1;
            int prev = row - stride; // the row above, when y > 0
            int filter = raw[row - 1];
            switch (filter) {
                case 0 -> { }
                case 1 -> {
                    for (int i = bpp; i < rowBytes; i++) {
                        raw[row + i] += raw[row + i - bpp];
                    }
                }
                case 2 -> {
                    if (y > 0) {
                        for (int i = 0; i < rowBytes; i++) {
                            raw[row + i] += raw[prev + i];
                        }
                    }
                }
                case 3 -> {
                    for (int i = 0; i < rowBytes; i++) {
                        int left = i >= bpp ? raw[row + i - bpp] & 0xFF : 0;
                        int up = y > 0 ? raw[prev + i] & 0xFF : 0;
                        raw[row + i] += (byte) ((left + up) >>> 1);
                    }
                }
                case 4 -> {
                    for (int i = 0; i < rowBytes; i++) {
                        int a = i >= bpp ? raw[row + i - bpp] & 0xFF : 0;
                        int b = y > 0 ? raw[prev + i] & 0xFF : 0;
                        int c = i >= bpp && y > 0 ? raw[prev + i - bpp] & 0xFF : 0;
                        raw[row + i] += (byte) paeth(a, b, c);
                    }
                }
                default -> {
                    return false;
                }
            }
        }
        return true;
    }

    private static int paeth(int a, int b, int c) {
        int p = a + b - c;
        int pa = Math.abs(p - a);
        int pb = Math.abs(p - b);
        int pc = Math.abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    /** Gray (alpha dropped) as one channel, colour (alpha dropped) as three planes, as {@link ImageDecoder#toPixels}. */
    private static DecodedImage toPixels(byte[] raw, int height, int width, int channels) {
        int stride = width * channels + 1;
        int plane = height * width;
        if (channels <= 2) {
            float[] px = new float[plane];
            for (int y = 0; y < height; y++) {
                int src = y * stride + 1;
                int dst = y * width;
                for (int x = 0; x < width; x++) {
                    px[dst + x] = (raw[src + x * channels] & 0xFF) / 255f;
                }
            }
            return new DecodedImage(1, height, width, px);
        }
        float[] px = new float[3 * plane];
        for (int y = 0; y < height; y++) {
            int src = y * stride + 1;
            int dst = y * width;
            for (int x = 0; x < width; x++) {
                int s = src + x * channels;
                px[dst + x] = (raw[s] & 0xFF) / 255f;
                px[plane + dst + x] = (raw[s + 1] & 0xFF) / 255f;
                px[2 * plane + dst + x] = (raw[s + 2] & 0xFF) / 255f;
            }
        }
        return new DecodedImage(3, height, width, px);
    }

    private static int readInt(byte[] b, int at) {
        return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | (b[at + 3] & 0xFF);
    }
}
