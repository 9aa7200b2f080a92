package org.contrastive4j.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.DefaultParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code grad_cache_chunks} from flag to a training run. */
class GradCacheSessionTest {

    @Test
    void flagSetsChunksAndBadValuesAreRejected() throws Exception {
        TrainConfig c = TrainOptions.resolve(new DefaultParser().parse(TrainOptions.options(),
                new String[] {"--grad-cache-chunks", "4"}));
        assertEquals(4, c.gradCacheChunks());
        assertEquals(0, TrainOptions.DEFAULTS.gradCacheChunks());
        IllegalArgumentException neg = assertThrows(IllegalArgumentException.class,
                () -> TrainOptions.DEFAULTS.with(Map.of("grad_cache_chunks", -1)));
        assertTrue(neg.getMessage().contains("--grad-cache-chunks"), neg.getMessage());
        IllegalArgumentException big = assertThrows(IllegalArgumentException.class,
                () -> TrainOptions.DEFAULTS.with(Map.of("grad_cache_chunks", 300, "batch_size", 256, "views", 2)));
        assertTrue(big.getMessage().contains("512 rows"), big.getMessage());
    }

    @Test
    void chunkedRunTrainsWithTheGlobalBatch(@TempDir Path dir) throws Exception {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("data", "fashion-mnist-subset");
        c.put("max_train_samples", 200);
        c.put("max_test_samples", 60);
        c.put("batch_size", 40);
        c.put("samples_per_class", 4);
        c.put("max_steps", 3);
        c.put("log_every_steps", 1);
        c.put("eval_every", 0);
        c.put("export", false);
        c.put("report", false);
        c.put("loss", "sincere");
        c.put("grad_cache_chunks", 4);
        c.put("loader_threads", 1);
        c.put("out", dir.toString());
        try (TrainingSession s = TrainingSession.start(TrainOptions.DEFAULTS.with(c), ResumeTest.QUIET)) {
            TrainingSession.Result r = s.run();
            assertEquals("cpu() (grad cache, 4 shards)", r.summary().asMap().get("device"));
            assertEquals(3L, s.globalStep());
        }
        List<String> steps = Files.readAllLines(dir.resolve("metrics.jsonl")).stream()
                .filter(l -> l.contains("\"type\":\"step\"")).toList();
        assertEquals(3, steps.size(), String.join("\n", steps));
        for (String line : steps) {
            double loss = JsonParser.parseString(line).getAsJsonObject().get("loss").getAsDouble();
            assertTrue(Double.isFinite(loss) && loss > 0, line);
        }
    }
}
