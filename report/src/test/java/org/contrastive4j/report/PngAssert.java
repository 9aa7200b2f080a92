package org.contrastive4j.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;

/** Assertions shared by the report tests. */
final class PngAssert {

    /** The report's chart size, as its pages lay them out (a literal: a change must be deliberate). */
    static final int CHART_WIDTH = 900;
    static final int CHART_HEIGHT = 600;

    private PngAssert() {}

    /** Decodes the PNG, checks its size and that something was drawn (axes, text, marks); returns the image. */
    static BufferedImage png(Path file, int width, int height) throws IOException {
        BufferedImage img = decode(file);
        assertEquals(width, img.getWidth(), file + " width");
        assertEquals(height, img.getHeight(), file + " height");
        assertTrue(colours(img) > 8, file + " looks blank (" + colours(img) + " colours)");
        return img;
    }

    static BufferedImage decode(Path file) throws IOException {
        assertTrue(Files.isRegularFile(file), file + " missing");
        BufferedImage img = ImageIO.read(file.toFile());
        assertNotNull(img, file + " is not a decodable image");
        return img;
    }

    /** Number of distinct colours: a blank or single-colour image has very few. */
    static int colours(BufferedImage img) {
        Set<Integer> seen = new HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 2) {
            for (int x = 0; x < img.getWidth(); x += 2) {
                seen.add(img.getRGB(x, y));
            }
        }
        return seen.size();
    }

    /** Every src/href in the page: must be a bare relative file name of an existing, decodable file in dir. */
    static List<String> checkLinks(Path html) throws IOException {
        String page = Files.readString(html);
        Matcher m = Pattern.compile("(?:src|href)=\"([^\"]*)\"").matcher(page);
        List<String> targets = new ArrayList<>();
        while (m.find()) {
            targets.add(m.group(1));
        }
        for (String t : targets) {
            assertTrue(!t.startsWith("/") && !t.contains(":") && !t.contains("\\"), "not relative: " + t);
            Path target = html.getParent().resolve(t).normalize();
            assertTrue(Files.isRegularFile(target), "link target missing: " + t);
            if (t.endsWith(".png")) {
                decode(target);
            }
        }
        assertTrue(!page.contains("<script"), "page must not contain scripts");
        assertTrue(!page.contains("http://") && !page.contains("https://"), "page must not reference the network");
        return targets;
    }
}
