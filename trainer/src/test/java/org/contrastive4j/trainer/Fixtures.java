package org.contrastive4j.trainer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.contrastive4j.core.contract.RunLayout;

/** The committed format-1 checkpoint fixture (models module) and run directories built from it. */
final class Fixtures {

    static final Path FORMAT_V1 = Path.of(System.getProperty("c4j.home", "..")).resolve(
            "models/src/test/resources/fixtures/format-v1");

    private Fixtures() {}

    /** A run directory as the fixture's run left it: its config.json and checkpoints/last.ckpt. */
    static Path formatV1Run(Path dir) throws IOException {
        RunLayout run = RunLayout.of(dir);
        Files.createDirectories(run.checkpoints());
        Files.copy(FORMAT_V1.resolve("config.json"), run.config());
        Files.copy(FORMAT_V1.resolve("last.ckpt"), run.lastCheckpoint());
        return dir;
    }
}
