package org.contrastive4j.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderTest {

    @TempDir
    Path tmp;

    /** Random images whose values are exact multiples of 1/255, so an 8-bit PNG round trip is lossless. */
    static Samples randomImages(int n, int c, int h, int w, List<String> classes, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n * c * h * w];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextInt(256) / 255f;
        }
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % classes.size();
        }
        return new Samples("mem", v, new int[] {c, h, w}, y, classes);
    }

    @Test
    void grayRoundTripIsExactWithSortedClassesAndFiles() throws IOException {
        Samples s = randomImages(6, 1, 5, 7, List.of("b-class", "a-class"), 1);
        ImageFolder.write(tmp, s);
        Samples back = ImageFolder.read(tmp, 1, 5, 7);
        assertArrayEquals(new int[] {1, 5, 7}, back.sampleShape());
        assertEquals(List.of("a-class", "b-class"), back.classNames());
        // Files are sorted within the class: a-class holds samples 1, 3, 5 (label 1 in the original).
        Samples expected = s.select(new int[] {1, 3, 5, 0, 2, 4});
        assertArrayEquals(expected.values(), back.values());
        assertArrayEquals(new int[] {0, 0, 0, 1, 1, 1}, back.labels());
    }

    @Test
    void rgbRoundTripAndChannelConversion() throws IOException {
        Samples s = randomImages(2, 3, 4, 4, List.of("x"), 2);
        ImageFolder.write(tmp, s);
        assertArrayEquals(s.values(), ImageFolder.read(tmp, 3, 4, 4).values());
        Samples gray = ImageFolder.read(tmp, 1, 4, 4);
        assertArrayEquals(new int[] {1, 4, 4}, gray.sampleShape());
        float[] v = s.values();
        for (int i = 0; i < 16; i++) {
            float luma = 0.299f * v[i] + 0.587f * v[16 + i] + 0.114f * v[32 + i];
            assertEquals(luma, gray.values()[i], 1e-6f);
        }
    }

    @Test
    void grayToRgbReplicatesAndResizeKeepsConstantImagesConstant() throws IOException {
        float[] v = new float[2 * 6 * 6];
        Arrays.fill(v, 0, 36, 51 / 255f);
        Arrays.fill(v, 36, 72, 204 / 255f);
        ImageFolder.write(tmp, new Samples("m", v, new int[] {1, 6, 6}, new int[] {0, 1}, List.of("dark", "light")));
        Samples rgb = ImageFolder.read(tmp, 3, 9, 4);
        assertArrayEquals(new int[] {3, 9, 4}, rgb.sampleShape());
        for (int i = 0; i < 3 * 36; i++) {
            assertEquals(51 / 255f, rgb.values()[i], 1e-6f);
            assertEquals(204 / 255f, rgb.values()[3 * 36 + i], 1e-6f);
        }
    }

    @Test
    void imagesOfOtherSizesGetTheDefaultSizeNotTheFirstImages() throws IOException {
        Files.createDirectories(tmp.resolve("c"));
        ImageIO.write(new BufferedImage(8, 6, BufferedImage.TYPE_INT_RGB), "png", tmp.resolve("c/1.png").toFile());
        ImageIO.write(new BufferedImage(3, 3, BufferedImage.TYPE_INT_RGB), "jpg", tmp.resolve("c/2.JPG").toFile());
        Files.writeString(tmp.resolve("c/notes.txt"), "ignored");
        Samples s = ImageFolder.read(tmp);
        assertEquals(2, s.size());
        // The documented default (3 x 64 x 64), whatever size the first image has.
        assertArrayEquals(new int[] {3, 64, 64}, s.sampleShape());
        assertArrayEquals(new int[] {1, 5, 9}, ImageFolder.read(tmp, 1, 5, 9).sampleShape());
    }

    @Test
    void unreadableImageIsNamed() throws IOException {
        Files.createDirectories(tmp.resolve("cls"));
        Files.writeString(tmp.resolve("cls/broken.png"), "this is not a png");
        IOException e = assertThrows(IOException.class, () -> ImageFolder.read(tmp));
        assertTrue(e.getMessage().contains("broken.png") && e.getMessage().contains("unreadable"), e.getMessage());
    }

    @Test
    void folderWithoutImagesIsRejected() throws IOException {
        Files.createDirectories(tmp.resolve("empty-class"));
        IOException e = assertThrows(IOException.class, () -> ImageFolder.read(tmp));
        assertTrue(e.getMessage().contains("no images found"), e.getMessage());
    }
}
