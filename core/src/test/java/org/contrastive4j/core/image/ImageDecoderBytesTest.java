package org.contrastive4j.core.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Encoded bytes in memory decode exactly as the same bytes read from a file, for every format and mode. */
class ImageDecoderBytesTest {

    @TempDir
    Path dir;

    private Path write(String name, int type, String format) throws IOException {
        Random rnd = new Random(name.hashCode());
        BufferedImage img = new BufferedImage(37, 23, type);
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                img.setRGB(x, y, rnd.nextInt(0x1000000));
            }
        }
        Path p = dir.resolve(name);
        assertTrue(ImageIO.write(img, format, p.toFile()), "no writer for " + format);
        return p;
    }

    @Test
    void bytesDecodeLikeTheFileTheyCameFrom() throws IOException {
        ImageDecoder decoder = ImageDecoder.defaults();
        for (Path p : new Path[] {write("rgb.png", BufferedImage.TYPE_INT_RGB, "png"),
                write("gray.png", BufferedImage.TYPE_BYTE_GRAY, "png"),
                write("gray16.png", BufferedImage.TYPE_USHORT_GRAY, "png"),
                write("rgba.png", BufferedImage.TYPE_INT_ARGB, "png"),
                write("palette.png", BufferedImage.TYPE_BYTE_INDEXED, "png"),
                write("rgb.jpg", BufferedImage.TYPE_INT_RGB, "jpg")}) {
            DecodedImage fromFile = decoder.decode(p, 8, 8);
            DecodedImage fromBytes = decoder.decode(Files.readAllBytes(p), p.toString(), 8, 8);
            assertEquals(fromFile.channels(), fromBytes.channels(), p.toString());
            assertEquals(fromFile.height(), fromBytes.height(), p.toString());
            assertEquals(fromFile.width(), fromBytes.width(), p.toString());
            assertArrayEquals(fromFile.pixels(), fromBytes.pixels(), p.toString());
        }
    }

    @Test
    void truncatedOrForeignBytesAreAnErrorNamingTheirSource() throws IOException {
        byte[] png = Files.readAllBytes(write("t.png", BufferedImage.TYPE_INT_RGB, "png"));
        ImageDecoder decoder = ImageDecoder.defaults();
        IOException cut = assertThrows(IOException.class,
                () -> decoder.decode(Arrays.copyOf(png, png.length / 2), "images[3]", 0, 0));
        assertTrue(cut.getMessage().startsWith("images[3]: unreadable image"), cut.getMessage());
        IOException text = assertThrows(IOException.class,
                () -> decoder.decode("not an image".getBytes(), "images[0]", 0, 0));
        assertTrue(text.getMessage().startsWith("images[0]: unreadable image"), text.getMessage());
    }

    @Test
    void aJpegCutShortIsAnErrorNotAGrayFill() throws IOException {
        // ImageIO's JPEG reader decodes a truncated file with a warning only, the missing part gray
        Path full = write("cut.jpg", BufferedImage.TYPE_INT_RGB, "jpg");
        byte[] jpeg = Files.readAllBytes(full);
        ImageDecoder decoder = ImageDecoder.defaults();
        decoder.decode(jpeg, "whole.jpg", 0, 0); // the whole file decodes
        byte[] cut = Arrays.copyOf(jpeg, jpeg.length * 2 / 3);
        IOException fromBytes = assertThrows(IOException.class, () -> decoder.decode(cut, "images[1]", 0, 0));
        assertTrue(fromBytes.getMessage().startsWith("images[1]: unreadable image (the file ends early"), fromBytes.getMessage());
        Path cutFile = Files.write(full.resolveSibling("cut-short.jpg"), cut);
        IOException fromFile = assertThrows(IOException.class, () -> decoder.decode(cutFile));
        assertTrue(fromFile.getMessage().startsWith(cutFile + ": unreadable image (the file ends early"), fromFile.getMessage());
        decoder.decode(jpeg, "whole.jpg", 0, 0); // and the reader kept for this thread still decodes whole files
    }
}
