package org.contrastive4j.core.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ImageFitTest {

    private static float[] ramp(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = i / (float) n;
        }
        return v;
    }

    @Test
    void sameSizeIsAnExactCopy() {
        DecodedImage img = new DecodedImage(3, 5, 7, ramp(3 * 5 * 7));
        assertArrayEquals(img.pixels(), ImageFit.toInput(img, 3, 5, 7));
    }

    @Test
    void widerImageKeepsItsCentredSquare() {
        // 2 x 4 gray image to 2 x 2: scale 1 (height fits), the window is columns 1..2 of each row.
        DecodedImage img = new DecodedImage(1, 2, 4, new float[] {0, .1f, .2f, .3f, .4f, .5f, .6f, .7f});
        assertArrayEquals(new float[] {.1f, .2f, .5f, .6f}, ImageFit.toInput(img, 1, 2, 2));
        // A tall one keeps its centred rows.
        DecodedImage tall = new DecodedImage(1, 4, 1, new float[] {0, .1f, .2f, .3f});
        assertArrayEquals(new float[] {.1f, .2f}, ImageFit.toInput(tall, 1, 2, 1));
    }

    @Test
    void halvingAveragesTwoByTwoBlocks() {
        float[] px = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
        float[] out = ImageFit.toInput(new DecodedImage(1, 4, 4, px), 1, 2, 2);
        assertArrayEquals(new float[] {2.5f, 4.5f, 10.5f, 12.5f}, out, 1e-6f);
    }

    @Test
    void convertsGrayAndRgbBothWays() {
        DecodedImage gray = new DecodedImage(1, 1, 2, new float[] {.2f, .8f});
        assertArrayEquals(new float[] {.2f, .8f, .2f, .8f, .2f, .8f}, ImageFit.toInput(gray, 3, 1, 2));
        DecodedImage red = new DecodedImage(3, 1, 1, new float[] {1, 0, 0});
        assertArrayEquals(new float[] {0.299f}, ImageFit.toInput(red, 1, 1, 1), 1e-6f);
        assertThrows(IllegalArgumentException.class, () -> ImageFit.toInput(red, 2, 1, 1));
    }

    private static byte[] png(int w, int h, int type) throws IOException {
        BufferedImage img = new BufferedImage(w, h, type);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, (x * 255 / Math.max(1, w - 1)) << 16 | (y * 255 / Math.max(1, h - 1)) << 8);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    @Test
    void decoderReadsRgbAndGrayAndRefusesImagesOverTheLimitByName() throws IOException {
        ImageDecoder decoder = new ImageDecoder(1000);
        DecodedImage rgb = decoder.decode(png(20, 10, BufferedImage.TYPE_INT_RGB), "a.png", 0, 0);
        assertEquals(3, rgb.channels());
        assertEquals(10, rgb.height());
        assertEquals(20, rgb.width());
        assertEquals(1f, rgb.pixels()[19], 1e-6f); // red channel, last column of row 0
        DecodedImage gray = decoder.decode(png(4, 4, BufferedImage.TYPE_BYTE_GRAY), "g.png", 0, 0);
        assertEquals(1, gray.channels());
        IOException big = assertThrows(IOException.class,
                () -> decoder.decode(png(40, 30, BufferedImage.TYPE_INT_RGB), "big.png", 0, 0));
        assertTrue(big.getMessage().startsWith("big.png: image of 40 x 30 pixels is over the limit of 1,000"), big.getMessage());
        IOException junk = assertThrows(IOException.class, () -> decoder.decode(new byte[] {1, 2, 3}, "junk.jpg", 0, 0));
        assertTrue(junk.getMessage().startsWith("junk.jpg: "), junk.getMessage());
    }

    @Test
    void aMuchLargerImageIsDecodedSubsampledToAtLeastTwiceTheTarget() throws IOException {
        DecodedImage img = new ImageDecoder(1_000_000).decode(png(400, 400, BufferedImage.TYPE_INT_RGB), "p.png", 50, 50);
        assertEquals(100, img.width());
        assertEquals(100, img.height());
        assertEquals(1, ImageDecoder.subsampling(99, 1000, 50, 50));
    }
}
