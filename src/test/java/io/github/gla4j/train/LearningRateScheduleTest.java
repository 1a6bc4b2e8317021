/*
 * LearningRateScheduleTest — warm-up, constant and cosine learning rates at their defining steps.
 */
package io.github.gla4j.train;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LearningRateScheduleTest {

    @Test
    void warmsUpLinearlyThenDecaysAlongACosineToTheMinimumAtTheLastStep() {
        LearningRateSchedule s = new LearningRateSchedule(LearningRateSchedule.Kind.COSINE, 1e-3, 1e-4, 10, 111);
        assertEquals(1e-4, s.at(0), 1e-15);
        assertEquals(5e-4, s.at(4), 1e-15);
        assertEquals(1e-3, s.at(9), 1e-15);
        assertEquals(1e-3, s.at(10), 1e-15);
        assertEquals(1e-4 + 0.9e-3 * 0.5, s.at(60), 1e-15); // half-way through the 100 decaying steps
        assertEquals(1e-4, s.at(110), 1e-15);
        for (long i = 11; i < 111; i++) {
            assertTrue(s.at(i) < s.at(i - 1), "decreasing at " + i);
        }
    }

    @Test
    void constantIsThePeakAfterWarmUp() {
        LearningRateSchedule s = new LearningRateSchedule(LearningRateSchedule.Kind.CONSTANT, 2e-3, 2e-3, 4, 50);
        assertEquals(0.5e-3, s.at(0), 1e-15);
        assertEquals(2e-3, s.at(3), 1e-15);
        assertEquals(2e-3, s.at(49), 1e-15);
        LearningRateSchedule none = new LearningRateSchedule(LearningRateSchedule.Kind.CONSTANT, 1e-3, 0, 0, 5);
        assertEquals(1e-3, none.at(0), 0);
    }

    @Test
    void rejectsNonsense() {
        assertThrows(IllegalArgumentException.class,
                () -> new LearningRateSchedule(LearningRateSchedule.Kind.COSINE, 1e-3, 2e-3, 0, 10));
        assertThrows(IllegalArgumentException.class,
                () -> new LearningRateSchedule(LearningRateSchedule.Kind.COSINE, Double.NaN, 0, 0, 10));
        assertThrows(IllegalArgumentException.class,
                () -> new LearningRateSchedule(LearningRateSchedule.Kind.COSINE, 1e-3, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.Kind.parse("linear"));
    }
}
