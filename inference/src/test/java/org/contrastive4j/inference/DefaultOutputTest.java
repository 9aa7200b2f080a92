package org.contrastive4j.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which output an embedder reads when none is named. */
class DefaultOutputTest {

    private static Map<String, long[]> outputs(String... names) {
        Map<String, long[]> m = new LinkedHashMap<>();
        for (String n : names) {
            m.put(n, new long[] {8});
        }
        return m;
    }

    @Test
    void theModelsDeclaredSimilarityOutputThenEmbeddingThenTheFirst() {
        Map<String, String> declared = Map.of("c4j.default_output", "embedding_centered");
        assertEquals("embedding_centered", OrtSessions.defaultOutput(outputs("embedding", "projection", "embedding_centered"),
                declared));
        // a declared output the file does not have (e.g. exported with --outputs) falls back to embedding
        assertEquals("embedding", OrtSessions.defaultOutput(outputs("embedding", "projection"), declared));
        assertEquals("embedding", OrtSessions.defaultOutput(outputs("projection", "embedding"), Map.of()));
        assertEquals("features", OrtSessions.defaultOutput(outputs("features", "scores"), Map.of()));
    }
}
