package org.contrastive4j.inference.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.contrastive4j.inference.Embedder;
import org.contrastive4j.inference.EmbedderOptions;
import org.contrastive4j.core.data.Samples;

/**
 * Long-run check that embedding does not grow native memory: embeds batches of raw samples from 4 threads for
 * ROUNDS rounds and prints the process's resident set size (VmRSS) every tenth of the way. After warm-up the RSS
 * should stay flat. Run with a fixed, pre-touched heap so Java heap growth does not show up as RSS growth:
 * java -Xms128m -Xmx128m -XX:+AlwaysPreTouch -cp ... NativeMemoryCheck [MODEL] [ROUNDS=20000]
 */
public final class NativeMemoryCheck {

    private NativeMemoryCheck() {}

    public static void main(String[] args) throws Exception {
        Path model = Path.of(args.length > 0 ? args[0] : "target/bench/small-cnn.onnx");
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        Random r = new Random(0);
        float[] pixels = new float[8 * 784];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = r.nextFloat();
        }
        Samples batch = new Samples("check", pixels, new int[] {1, 28, 28}, null, List.of());
        try (Embedder e = Embedder.open(model, EmbedderOptions.builder().intraOpThreads(1).build())) {
            int perThread = rounds / 4;
            Thread[] threads = new Thread[4];
            for (int t = 0; t < threads.length; t++) {
                int id = t;
                threads[t] = new Thread(() -> {
                    for (int i = 1; i <= perThread; i++) {
                        e.embed(batch);
                        if (id == 0 && i % Math.max(1, perThread / 10) == 0) {
                            System.out.printf("round %d/%d: VmRSS %s%n", i * 4, rounds, rss());
                        }
                    }
                });
                threads[t].start();
            }
            for (Thread t : threads) {
                t.join();
            }
        }
    }

    private static String rss() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmRSS"))
                    .map(l -> l.substring(6).trim()).findFirst().orElse("?");
        } catch (Exception ex) {
            return "?";
        }
    }
}
