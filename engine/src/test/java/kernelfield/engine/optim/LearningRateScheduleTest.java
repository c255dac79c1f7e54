package kernelfield.engine.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {
    @Test
    void constant() {
        LearningRateSchedule s = LearningRateSchedule.constant(0.025);
        assertEquals(0.025, s.at(0));
        assertEquals(0.025, s.at(1_000_000));
    }

    @Test
    void exponentialIsLogLinearFromInitToFinal() {
        // 3DGS position schedule: 1.6e-4 -> 1.6e-6 over 30000 steps.
        LearningRateSchedule s = LearningRateSchedule.exponential(1.6e-4, 1.6e-6, 30_000);
        assertEquals(1.6e-4, s.at(0), 1e-18);
        assertEquals(1.6e-6, s.at(30_000), 1e-18);
        assertEquals(1.6e-6, s.at(50_000), 1e-18);
        assertEquals(Math.sqrt(1.6e-4 * 1.6e-6), s.at(15_000), 1e-15);
        assertEquals(1.6e-5, s.at(15_000), 1e-15);
        // log lr is linear: equal ratios over equal step spans.
        double r1 = s.at(1000) / s.at(0), r2 = s.at(21_000) / s.at(20_000);
        assertEquals(r1, r2, 1e-12);
        assertEquals(Math.pow(0.01, 1000.0 / 30_000), r1, 1e-12);
        assertEquals(0, s.at(-1));
    }

    @Test
    void exponentialDelayEasesIn() {
        LearningRateSchedule s = LearningRateSchedule.exponential(1e-2, 1e-4, 1000, 100, 0.01);
        double undelayed = LearningRateSchedule.exponential(1e-2, 1e-4, 1000).at(50);
        assertEquals(0.01 * 1e-2, s.at(0), 1e-15);
        assertEquals((0.01 + 0.99 * Math.sin(Math.PI / 4)) * undelayed, s.at(50), 1e-15);
        assertEquals(LearningRateSchedule.exponential(1e-2, 1e-4, 1000).at(100), s.at(100), 1e-15);
        assertEquals(1e-4, s.at(1000), 1e-16);
        assertEquals(0, LearningRateSchedule.exponential(0, 0, 10).at(5));
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.exponential(0, 1e-3, 10));
    }

    @Test
    void cosine() {
        LearningRateSchedule s = LearningRateSchedule.cosine(1e-2, 1e-4, 200);
        assertEquals(1e-2, s.at(0), 1e-15);
        assertEquals((1e-2 + 1e-4) / 2, s.at(100), 1e-15);
        assertEquals(1e-4 + (1e-2 - 1e-4) * 0.5 * (1 + Math.cos(Math.PI * 0.25)), s.at(50), 1e-15);
        assertEquals(1e-4, s.at(200), 1e-15);
        assertEquals(1e-4, s.at(10_000), 1e-15);
    }

    @Test
    void linearWarmUp() {
        LearningRateSchedule s = LearningRateSchedule.constant(1.0).withWarmUp(100, 0.1);
        assertEquals(0.1, s.at(0), 1e-15);
        assertEquals(0.55, s.at(50), 1e-15);
        assertEquals(1.0, s.at(100), 1e-15);
        assertEquals(1.0, s.at(5000), 1e-15);
        LearningRateSchedule w = LearningRateSchedule.cosine(1, 0, 1000).withWarmUp(10, 0);
        assertEquals(0, w.at(0));
        assertEquals(0.5 * LearningRateSchedule.cosine(1, 0, 1000).at(5), w.at(5), 1e-15);
        for (long k = 1; k < 10; k++) assertTrue(w.at(k) > w.at(k - 1));
    }
}
