package org.contrastive4j.losses;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the shared golden file: {@code -Dc4j.golden=FILE}, else {@code ../shared/golden/losses.json} next to the
 * repository. A missing file fails the test (the reference values are what the losses are checked against; CI must
 * never pass by skipping them).
 */
public final class Golden {

    private Golden() {}

    public static Path file() {
        String given = System.getProperty("c4j.golden");
        Path p = given != null ? Path.of(given)
                : Path.of(System.getProperty("c4j.home", ".")).resolve("../shared/golden/losses.json").normalize();
        assertTrue(Files.isRegularFile(p), "golden file not found at " + p + " (put the shared golden/ folder next to "
                + "the repository, or pass -Dc4j.golden=FILE)");
        return p;
    }
}
