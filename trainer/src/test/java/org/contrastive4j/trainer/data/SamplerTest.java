package org.contrastive4j.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SamplerTest {

    static int[] labels(int perClass, int classes) {
        int[] y = new int[perClass * classes];
        for (int i = 0; i < y.length; i++) {
            y[i] = (i * 7) % classes;
        }
        return y;
    }

    @Test
    void randomSamplerCoversEachEpochOnceAndDropsTheRemainder() {
        RandomBatchSampler s = new RandomBatchSampler(103, 10, 5);
        assertEquals(10, s.stepsPerEpoch());
        for (int epoch = 0; epoch < 3; epoch++) {
            Set<Integer> seen = new HashSet<>();
            for (int step = 0; step < s.stepsPerEpoch(); step++) {
                for (int i : s.batch(epoch, step)) {
                    assertTrue(i >= 0 && i < 103);
                    assertTrue(seen.add(i), "index " + i + " twice in epoch " + epoch);
                }
            }
            assertEquals(100, seen.size());
        }
        assertFalse(Arrays.equals(s.batch(0, 0), s.batch(1, 0)), "epochs are reshuffled");
        RandomBatchSampler same = new RandomBatchSampler(103, 10, 5);
        assertArrayEquals(s.batch(2, 7), same.batch(2, 7), "a function of (seed, epoch, step)");
        assertFalse(Arrays.equals(s.batch(2, 7), new RandomBatchSampler(103, 10, 6).batch(2, 7)));
        IllegalArgumentException big = assertThrows(IllegalArgumentException.class, () -> new RandomBatchSampler(5, 8, 1));
        assertTrue(big.getMessage().contains("at most 5"), big.getMessage());
    }

    @Test
    void classBalancedBatchesHoldExactlyMPerClass() {
        int[] y = labels(50, 10);
        ClassBalancedSampler s = new ClassBalancedSampler(y, 10, 20, 4, 11);
        assertEquals(5, s.classesPerBatch());
        assertEquals(25, s.stepsPerEpoch());
        for (int epoch = 0; epoch < 2; epoch++) {
            int[] classUse = new int[10];
            for (int step = 0; step < s.stepsPerEpoch(); step++) {
                int[] b = s.batch(epoch, step);
                assertEquals(20, b.length);
                assertEquals(20, Arrays.stream(b).distinct().count(), "no sample twice in a batch");
                Map<Integer, Integer> perClass = new HashMap<>();
                for (int i : b) {
                    perClass.merge(y[i], 1, Integer::sum);
                }
                assertEquals(5, perClass.size());
                perClass.values().forEach(n -> assertEquals(4, n));
                perClass.keySet().forEach(c -> classUse[c]++);
            }
            // 25 batches x 5 classes = 12.5 passes over the 10 classes: every class 12 or 13 times
            for (int c = 0; c < 10; c++) {
                assertTrue(classUse[c] == 12 || classUse[c] == 13, "class " + c + " used " + classUse[c]);
            }
        }
        assertArrayEquals(s.batch(1, 3), new ClassBalancedSampler(y, 10, 20, 4, 11).batch(1, 3));
        assertFalse(Arrays.equals(s.batch(1, 3), s.batch(2, 3)));
    }

    @Test
    void smallClassesAreSampledWithReplacementAndEmptyClassesIgnored() {
        // class 0: 2 samples, class 1: 30, class 2: none, class 3: 30
        int[] y = new int[62];
        Arrays.fill(y, 0, 2, 0);
        Arrays.fill(y, 2, 32, 1);
        Arrays.fill(y, 32, 62, 3);
        ClassBalancedSampler s = new ClassBalancedSampler(y, 4, 12, 4, 3);
        assertArrayEquals(new int[] {0}, s.deficientClasses());
        boolean sawClass0 = false;
        for (int step = 0; step < s.stepsPerEpoch(); step++) {
            int[] b = s.batch(0, step);
            long zeros = Arrays.stream(b).filter(i -> y[i] == 0).count();
            assertEquals(4, zeros, "three classes with samples, batch of three classes: class 0 in every batch");
            sawClass0 = true;
            assertTrue(Arrays.stream(b).noneMatch(i -> y[i] == 2));
        }
        assertTrue(sawClass0);
    }

    @Test
    void indivisibleBatchIsRejectedWithWorkingAlternatives() {
        int[] y = labels(20, 40);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ClassBalancedSampler(y, 40, 100, 3, 1));
        assertEquals("batch 100 is not divisible by m=3; use m in {4,5,10,20,25,50,100} or batch 99/102", e.getMessage());
    }

    @Test
    void tooFewClassesIsRejectedWithWorkingAlternatives() {
        int[] y = labels(100, 10);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ClassBalancedSampler(y, 10, 256, 4, 1));
        assertTrue(e.getMessage().startsWith("batch 256 with m=4 needs 64 distinct classes per batch but only 10 classes"),
                e.getMessage());
        assertTrue(e.getMessage().contains("use m in {32,64,128,256}") && e.getMessage().contains("at most 40"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ClassBalancedSampler(null, 0, 8, 2, 1));
        IllegalArgumentException big = assertThrows(IllegalArgumentException.class,
                () -> new ClassBalancedSampler(labels(1, 10), 10, 20, 2, 1));
        assertTrue(big.getMessage().contains("larger than the 10 training samples"), big.getMessage());
    }
}
