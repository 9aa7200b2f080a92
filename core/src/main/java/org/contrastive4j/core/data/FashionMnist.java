package org.contrastive4j.core.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Locates and loads Fashion-MNIST: Debian's {@code dataset-fashion-mnist} when installed, otherwise the real subset
 * committed under {@code data/fashion-mnist-subset} (2,000 train / 1,000 test, balanced).
 */
public final class FashionMnist {

    public static final Path DEBIAN_DIR = Path.of("/usr/share/datasets/fashion-mnist");
    public static final List<String> CLASS_NAMES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    /** Mean and standard deviation of the full training set's pixels in [0, 1]. */
    public static final float MEAN = 0.2860f;
    public static final float STD = 0.3530f;

    private FashionMnist() {}

    /** The committed subset, found through the {@code c4j.home} system property (the repository root). */
    public static Path subsetDir() {
        String home = System.getProperty("c4j.home", System.getenv().getOrDefault("C4J_HOME", "."));
        return Path.of(home).resolve("data/fashion-mnist-subset");
    }

    public static boolean debianInstalled() {
        return Files.isRegularFile(DEBIAN_DIR.resolve("train-images-idx3-ubyte.gz"));
    }

    /** The full dataset if installed, else the committed subset. */
    public static Path defaultDir() {
        return debianInstalled() ? DEBIAN_DIR : subsetDir();
    }

    /** Loads {@code train} or {@code test} from a directory holding the four standard IDX files. */
    public static Samples load(Path dir, String split) throws IOException {
        String prefix = switch (split) {
            case "train" -> "train";
            case "test" -> "t10k";
            default -> throw new IllegalArgumentException("unknown split '" + split + "' (expected train or test)");
        };
        return IdxReader.readImages(find(dir, prefix + "-images-idx3-ubyte"), find(dir, prefix + "-labels-idx1-ubyte"),
                CLASS_NAMES);
    }

    private static Path find(Path dir, String stem) throws IOException {
        for (String name : new String[] {stem + ".gz", stem, stem.replace("-idx", ".idx")}) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new IOException(dir + ": no " + stem + "[.gz] (expected the standard MNIST/Fashion-MNIST file names)");
    }
}
