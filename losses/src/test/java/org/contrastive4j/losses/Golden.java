package org.contrastive4j.losses;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the shared golden file: {@code ../shared/golden/losses.json} next to the repository. */
public final class Golden {

    private Golden() {}

    public static Path file() {
        String home = System.getProperty("c4j.home", ".");
        Path p = Path.of(home).resolve("../shared/golden/losses.json").normalize();
        assumeTrue(Files.isRegularFile(p), "golden file not found at " + p + " (expected ../shared/golden next to the "
                + "repository); skipping");
        return p;
    }
}
