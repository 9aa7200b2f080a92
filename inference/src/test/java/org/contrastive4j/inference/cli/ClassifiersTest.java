package org.contrastive4j.inference.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.contrastive4j.core.cli.CliException;
import org.contrastive4j.core.data.Samples;
import org.junit.jupiter.api.Test;

class ClassifiersTest {

    private static Samples labelled(int[] labels, List<String> names) {
        return new Samples("test", new float[labels.length], new int[] {1}, labels, names);
    }

    @Test
    void sameNamesKeepLabels() {
        assertArrayEquals(new int[] {0, 1}, Classifiers.alignLabels(labelled(new int[] {0, 1}, List.of("a", "b")), List.of("a", "b")));
    }

    @Test
    void differentOrderIsMappedByName() {
        assertArrayEquals(new int[] {2, 0}, Classifiers.alignLabels(labelled(new int[] {0, 1}, List.of("c", "a")),
                List.of("a", "b", "c")));
    }

    @Test
    void numberedClassesOnEitherSideKeepTheirNumbers() {
        assertArrayEquals(new int[] {1, 0}, Classifiers.alignLabels(labelled(new int[] {1, 0}, List.of("0", "1")),
                List.of("cat", "dog")));
        assertArrayEquals(new int[] {1, 0}, Classifiers.alignLabels(labelled(new int[] {1, 0}, List.of("cat", "dog")),
                List.of("0", "1", "2")));
    }

    @Test
    void unknownNamedClassesAreRefused() {
        CliException ex = assertThrows(CliException.class,
                () -> Classifiers.alignLabels(labelled(new int[] {0, 1}, List.of("cat", "eel")), List.of("cat", "dog")));
        assertTrue(ex.getMessage().contains("[eel]"), ex.getMessage());
    }
}
