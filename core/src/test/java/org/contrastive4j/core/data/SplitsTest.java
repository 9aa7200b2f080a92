package org.contrastive4j.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SplitsTest {

    /** Samples whose single feature is the sample index, so splits can be traced back. */
    private static Samples indexed(int[] labels, int classes) {
        float[] v = new float[labels.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = i;
        }
        List<String> names = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            names.add("c" + c);
        }
        return new Samples("t", v, new int[] {1}, labels, names);
    }

    @Test
    void stratifiedSplitOfTheSubsetIsBalancedDisjointAndComplete() throws IOException {
        Samples train = FashionMnist.load(FashionMnist.subsetDir(), "train");
        Splits.Split s = Splits.stratified(train, 0.2, 7);
        assertEquals(1600, s.train().size());
        assertEquals(400, s.validation().size());
        int[] counts = new int[10];
        for (int y : s.validation().labels()) {
            counts[y]++;
        }
        for (int c : counts) {
            assertEquals(40, c);
        }
        Splits.Split again = Splits.stratified(train, 0.2, 7);
        assertArrayEquals(s.validation().values(), again.validation().values());
        Splits.Split other = Splits.stratified(train, 0.2, 8);
        assertFalse(Arrays.equals(s.validation().values(), other.validation().values()));
    }

    @Test
    void everySampleLandsInExactlyOnePartInOriginalOrder() {
        int[] labels = {0, 1, 1, 2, 2, 2, 0, 1, 2, 2};
        Splits.Split s = Splits.stratified(indexed(labels, 3), 0.34, 1);
        Set<Float> seen = new HashSet<>();
        float prev = -1;
        for (float v : s.train().values()) {
            seen.add(v);
            assertEquals(true, v > prev);
            prev = v;
        }
        for (float v : s.validation().values()) {
            assertEquals(true, seen.add(v), "sample " + v + " in both parts");
        }
        assertEquals(labels.length, seen.size());
        // per class: 2 -> round(0.68)=1, 3 -> 1, 5 -> round(1.7)=2
        assertEquals(4, s.validation().size());
    }

    @Test
    void singleSampleClassStaysInTrain() {
        int[] labels = {0, 0, 0, 0, 1};
        Splits.Split s = Splits.stratified(indexed(labels, 2), 0.5, 3);
        assertEquals(2, s.validation().size());
        for (int y : s.validation().labels()) {
            assertEquals(0, y);
        }
        assertEquals(1, Arrays.stream(s.train().labels()).filter(y -> y == 1).count());
        assertEquals(0, Splits.stratified(indexed(labels, 2), 0.0, 3).validation().size());
        assertThrows(IllegalArgumentException.class, () -> Splits.stratified(indexed(labels, 2), 1.0, 3));
    }
}
