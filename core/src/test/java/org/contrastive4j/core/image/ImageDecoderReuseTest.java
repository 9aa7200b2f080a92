package org.contrastive4j.core.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * A thread keeps its PNG and JPEG readers between images: whatever came before (another size, another format,
 * subsampling, a corrupt file), every image decodes to the levels it was written with.
 */
class ImageDecoderReuseTest {

    /** A gray PNG of h x w with random 8-bit levels, and those levels / 255 (the expected pixels). */
    private record Gray(byte[] png, float[] expected) {}

    private static Gray gray(int h, int w, long seed) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster r = img.getRaster();
        Random rnd = new Random(seed);
        float[] expected = new float[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int level = rnd.nextInt(256);
                r.setSample(x, y, 0, level);
                expected[y * w + x] = level / 255f;
            }
        }
        return new Gray(encode(img, "png"), expected);
    }

    private static byte[] encode(BufferedImage img, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, format, out);
        return out.toByteArray();
    }

    @Test
    void readersKeptBetweenImagesCarryNothingOver() throws IOException {
        ImageDecoder decoder = ImageDecoder.defaults();
        Gray small = gray(28, 28, 1);
        Gray wide = gray(20, 300, 2);
        BufferedImage rgb = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
        rgb.setRGB(10, 20, 0x336699);
        byte[] jpeg = encode(rgb, "jpg");
        byte[] rgbPng = encode(rgb, "png");
        for (int round = 0; round < 3; round++) {
            assertArrayEquals(small.expected(), decoder.decode(small.png(), "small", 0, 0).pixels());
            // subsampled (target 4 x 4 of a 20 x 300 image): a kept reader must not keep the step for the next image
            DecodedImage sub = decoder.decode(wide.png(), "wide", 4, 4); // step min(20 / 8, 300 / 8) = 2
            assertEquals(10, sub.height());
            assertEquals(150, sub.width());
            for (int y = 0; y < 10; y++) {
                for (int x = 0; x < 150; x++) {
                    assertEquals(wide.expected()[2 * y * 300 + 2 * x], sub.pixels()[y * 150 + x]);
                }
            }
            DecodedImage j = decoder.decode(jpeg, "jpeg", 0, 0);
            assertEquals(3, j.channels());
            assertEquals(48, j.height());
            assertThrows(IOException.class, () -> decoder.decode(Arrays.copyOf(small.png(), 60), "cut", 0, 0));
            assertArrayEquals(wide.expected(), decoder.decode(wide.png(), "wide", 0, 0).pixels());
            DecodedImage colour = decoder.decode(rgbPng, "rgb", 0, 0);
            int plane = 64 * 48;
            int at = 20 * 64 + 10;
            assertEquals(0x33 / 255f, colour.pixels()[at]);
            assertEquals(0x66 / 255f, colour.pixels()[plane + at]);
            assertEquals(0x99 / 255f, colour.pixels()[2 * plane + at]);
        }
    }
}
