package org.contrastive4j.spark.bench;

import java.nio.file.Path;
import java.util.Locale;
import org.contrastive4j.core.data.DataSources;
import org.contrastive4j.core.data.ImageFolder;
import org.contrastive4j.core.data.LoadOptions;
import org.contrastive4j.core.data.Samples;

/**
 * Writes all 70,000 Fashion-MNIST images (train then test) as 8-bit PNGs, {@code OUT/<class>/<index>.png}, the input
 * both sides of the benchmark read. Usage: {@code PrepareImages FASHION_MNIST_DIR OUT_DIR}.
 */
public final class PrepareImages {

    private PrepareImages() {}

    public static void main(String[] args) throws Exception {
        Path src = Path.of(args[0]);
        Path out = Path.of(args[1]);
        Samples train = DataSources.load(src, LoadOptions.builder().split("train").build());
        Samples test = DataSources.load(src, LoadOptions.builder().split("test").build());
        int n = train.size() + test.size();
        float[] values = new float[n * train.sampleLength()];
        System.arraycopy(train.values(), 0, values, 0, train.values().length);
        System.arraycopy(test.values(), 0, values, train.values().length, test.values().length);
        int[] labels = new int[n];
        System.arraycopy(train.labels(), 0, labels, 0, train.size());
        System.arraycopy(test.labels(), 0, labels, train.size(), test.size());
        long t0 = System.nanoTime();
        ImageFolder.write(out, new Samples("fashion-mnist", values, train.sampleShape(), labels, train.classNames()));
        System.out.printf(Locale.ROOT, "wrote %d PNGs to %s in %.1f s%n", n, out, (System.nanoTime() - t0) / 1e9);
    }
}
