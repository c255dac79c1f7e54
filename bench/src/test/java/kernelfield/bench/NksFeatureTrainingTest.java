package kernelfield.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;

import kernelfield.reconstruction.surface.LearnedFeatures;
import org.junit.jupiter.api.Test;

class NksFeatureTrainingTest {
    @Test
    void trainingIsDeterministicForASeed() {
        // one tiny shape; the 9-vertex simplex and 2 Nelder-Mead evaluations beyond it
        List<NksFeatureTraining.Case> a = NksFeatureTraining.cases(1, 11, 32, 2000, 2500, 0.003, 0.003, 2000);
        List<NksFeatureTraining.Case> b = NksFeatureTraining.cases(1, 11, 32, 2000, 2500, 0.003, 0.003, 2000);
        assertArrayEquals(a.get(0).input().positions(), b.get(0).input().positions());
        NksFeatureTraining.Outcome x = NksFeatureTraining.train(a, 11, 3, false);
        NksFeatureTraining.Outcome y = NksFeatureTraining.train(b, 11, 3, false);
        assertArrayEquals(x.model().toVector(), y.model().toVector(), 0);
        assertEquals(x.objective(), y.objective(), 0);
        assertEquals(12, x.evaluations());
        // the search keeps the best vertex: never worse than features 1 (objective 1 by definition)
        assertTrue(x.objective() <= 1.0, "objective " + x.objective());
        double base = NksFeatureTraining.loss(a.get(0), LearnedFeatures.off());
        assertTrue(base > 0 && base < 100, "loss " + base);
    }

    @Test
    void nelderMeadFindsTheMinimumOfAQuadratic() {
        double[] best = NksFeatureTraining.nelderMead(x -> (x[0] - 1) * (x[0] - 1) + 3 * (x[1] + 2) * (x[1] + 2) + x[0] * x[1] * 0.5,
                new double[2], 0.5, 400, new Random(1));
        // minimum of (x-1)^2 + 3 (y+2)^2 + xy/2: gradient 2(x-1) + y/2 = 0, 6(y+2) + x/2 = 0
        double det = 2 * 6 - 0.25, x = (2 * 6 - 0.5 * -12) / det, y = (2 * -12 - 0.5 * 2) / det;
        assertEquals(x, best[0], 1e-4);
        assertEquals(y, best[1], 1e-4);
    }
}
