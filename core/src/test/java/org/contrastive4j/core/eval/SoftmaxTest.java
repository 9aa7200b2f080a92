package org.contrastive4j.core.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SoftmaxTest {

    @Test
    void matchesTheFormulaAndSurvivesLargeLogits() {
        // softmax([0, ln 3]) = [1/4, 3/4]; log-partition = ln 4. Shifting by 1000 must change neither.
        double[] z = {1000, 1000 + Math.log(3)};
        double logZ = Softmax.inPlace(z);
        assertArrayEquals(new double[] {0.25, 0.75}, z, 1e-12);
        assertEquals(1000 + Math.log(4), logZ, 1e-9);
        assertArrayEquals(new float[] {0.25f, 0.75f}, Softmax.of(new float[] {-5f, -5f + (float) Math.log(3)}), 1e-6f);
    }
}
