package kernelfield.fields.splat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;

import kernelfield.engine.data.Camera;
import kernelfield.engine.optim.ParamBlock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Forward and backward are bit-identical for 1, 2 and 3 threads, and run to run. */
class SplatRasterDeterminismTest {
    private record Result(float[] image, float[][] grads, float[] meanGrad) {
    }

    private static Result run(GaussianSet g, Camera cam, float[] dl, SplatKernel kernel, int threads) {
        g.params().zeroGrad();
        SplatRasterSettings s = new SplatRasterSettings(kernel, true, true, threads);
        try (SplatRasterCpu r = new SplatRasterCpu(s)) {
            SplatFrame f = new SplatFrame();
            // twice into the same frame: reuse must not change anything
            r.forward(g, cam, new float[] {0, 0.5f, 1}, f);
            r.forward(g, cam, new float[] {0, 0.5f, 1}, f);
            r.backward(f, dl);
            float[][] grads = g.params().blocks().stream().map(ParamBlock::grad).map(float[]::clone).toArray(float[][]::new);
            return new Result(f.rgb().clone(), grads, Arrays.copyOf(f.meanGradNorm2D(), g.size()));
        }
    }

    @ParameterizedTest
    @EnumSource(SplatKernel.class)
    void bitIdenticalForAnyThreadCount(SplatKernel kernel) {
        int w = 70, h = 50;
        GaussianSet g = SplatScenes.random(700, 99, kernel != SplatKernel.GAUSSIAN, 3, 0.04);
        Camera cam = SplatScenes.defaultCamera(w, h);
        float[] dl = new float[w * h * 3];
        Random rnd = new Random(5);
        for (int i = 0; i < dl.length; i++) dl[i] = (float) rnd.nextGaussian();
        Result one = run(g, cam, dl, kernel, 1);
        double sum = 0;
        for (float v : one.grads[0]) sum += Math.abs(v);
        assertTrue(sum > 0, "means gradient is zero");
        for (int threads : new int[] {2, 3, 1}) {
            Result other = run(g, cam, dl, kernel, threads);
            assertArrayEquals(one.image, other.image, threads + " threads: image");
            for (int b = 0; b < one.grads.length; b++) {
                assertArrayEquals(one.grads[b], other.grads[b], threads + " threads: block " + b);
            }
            assertArrayEquals(one.meanGrad, other.meanGrad, threads + " threads: mean gradient norms");
        }
    }
}
