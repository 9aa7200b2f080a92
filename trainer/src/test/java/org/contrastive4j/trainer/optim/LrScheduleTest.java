package org.contrastive4j.trainer.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LrScheduleTest {

    @Test
    void warmsUpLinearlyThenDecaysByCosineToTheFloor() {
        LrSchedule s = new LrSchedule(0.1, 10, 110, true, 0.0);
        assertEquals(0.01, s.at(0), 1e-7);
        assertEquals(0.1, s.at(9), 1e-7);
        assertEquals(0.1, s.at(10), 1e-7);
        assertEquals(0.05, s.at(60), 1e-6);
        assertEquals(0.0, s.at(110), 1e-7);
        for (long t = 11; t < 110; t++) {
            assertTrue(s.at(t) <= s.at(t - 1), "not monotone at " + t);
        }
    }

    @Test
    void constantScheduleStaysAtBase() {
        LrSchedule s = new LrSchedule(0.3, 0, 50, false, 0.0);
        assertEquals(0.3, s.at(0), 1e-7);
        assertEquals(0.3, s.at(49), 1e-7);
    }

    @Test
    void rejectsNonPositiveRate() {
        assertThrows(IllegalArgumentException.class, () -> new LrSchedule(0, 0, 10, true, 0));
        assertThrows(IllegalArgumentException.class, () -> new LrSchedule(Double.NaN, 0, 10, true, 0));
    }
}
