package kernelfield.reconstruction.surface;

import static org.junit.jupiter.api.Assertions.assertEquals;

import kernelfield.engine.geometry.KdTree;
import kernelfield.engine.optim.SeededRandom;
import org.junit.jupiter.api.Test;

/** The noise estimate that sets the voxel size: right on sparse and on dense noisy clouds alike. */
class NoiseEstimateTest {
    /** {@code n} points on the unit square of the plane z = 0 with Gaussian noise {@code sigma} along z. */
    private static float[] noisyPlane(int n, double sigma, long seed) {
        SeededRandom r = new SeededRandom(seed);
        float[] p = new float[3 * n];
        for (int i = 0; i < n; i++) {
            p[3 * i] = (float) r.nextDouble();
            p[3 * i + 1] = (float) r.nextDouble();
            p[3 * i + 2] = (float) (sigma * r.nextGaussian());
        }
        return p;
    }

    @Test
    void denseNoisyCloudIsMeasuredOnASparserSubset() {
        // 800k points: the 24 nearest neighbours span a radius of ~0.003, inside the noise; the
        // estimate from them alone is about half the true sigma
        double sigma = 0.003;
        float[] dense = noisyPlane(800_000, sigma, 3);
        double noise = SurfaceReconstruction.spacingAndNoise(dense, KdTree.build(dense))[1];
        assertEquals(sigma, noise, 0.25 * sigma, "noise estimate of a dense noisy plane");
    }

    @Test
    void sparseNoisyAndCleanCloudsAreMeasuredDirectly() {
        double sigma = 0.003;
        float[] sparse = noisyPlane(60_000, sigma, 4);
        double noise = SurfaceReconstruction.spacingAndNoise(sparse, KdTree.build(sparse))[1];
        assertEquals(sigma, noise, 0.25 * sigma, "noise estimate of a sparse noisy plane");
        float[] clean = noisyPlane(400_000, 0, 5);
        assertEquals(0, SurfaceReconstruction.spacingAndNoise(clean, KdTree.build(clean))[1], 1e-6, "clean plane");
    }
}
