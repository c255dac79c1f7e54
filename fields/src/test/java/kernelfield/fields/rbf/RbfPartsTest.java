package kernelfield.fields.rbf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import jdk.incubator.vector.FloatVector;
import kernelfield.engine.compute.CpuDevice;
import kernelfield.fields.rbf.internal.VecSin;

class RbfPartsTest {
    @Test
    void sineIsAccurateAndVectorMatchesScalarBitForBit() {
        int lanes = VecSin.SP.length();
        float[] x = new float[lanes];
        float[] out = new float[lanes];
        java.util.Random r = new java.util.Random(2);
        for (int t = 0; t < 2000; t++) {
            for (int i = 0; i < lanes; i++) x[i] = (r.nextFloat() - 0.5f) * (t < 1000 ? 20f : 8000f);
            VecSin.sin(FloatVector.fromArray(VecSin.SP, x, 0)).intoArray(out, 0);
            for (int i = 0; i < lanes; i++) {
                assertEquals(Float.floatToIntBits(VecSin.sin(x[i])), Float.floatToIntBits(out[i]), "x = " + x[i]);
                assertEquals(Math.sin(x[i]), out[i], 2e-6 + Math.abs(x[i]) * 2e-7, "x = " + x[i]);
                assertEquals(Math.cos(x[i]), VecSin.cos(x[i]), 2e-6 + Math.abs(x[i]) * 2e-7, "cos x = " + x[i]);
            }
        }
    }

    @Test
    void kernelDerivativesMatchDifferences() {
        for (RbfKernel k : RbfKernel.values()) {
            for (float q = 0.05f; q < 9f; q += 0.37f) {
                double h = 1e-3;
                double num = (k.value((float) (q + h), 9f) - k.value((float) (q - h), 9f)) / (2 * h);
                assertEquals(num, k.derivative(q, 9f), 2e-3, k + " at q = " + q);
            }
            assertEquals(0f, k.value(9f, 9f));
            assertEquals(0f, k.value(8.9999f, 9f), 1e-6f, k + " vanishes at the support");
            assertEquals(0f, k.derivative(8.9999f, 9f), 1e-3f, k + " has zero slope at the support");
        }
    }

    @Test
    void shapeFromCovarianceInvertsIt() {
        double[] cov = {0.04, 0.01, 0.01, 0.09};
        float[] s = RbfBasis.shapeFromCovariance(cov, 2);
        // A^T A must equal cov^-1
        double a = s[0], b = s[1], c = s[2];
        double det = 0.04 * 0.09 - 0.01 * 0.01;
        assertEquals(0.09 / det, a * a, 1e-2);
        assertEquals(-0.01 / det, a * b, 1e-2);
        assertEquals(0.04 / det, b * b + c * c, 1e-2);
    }

    @Test
    void weightedKMeansPutsCentresWhereTheWeightIs() {
        int w = 64;
        float[] pts = new float[w * w * 2];
        float[] wt = new float[w * w];
        for (int y = 0; y < w; y++) {
            for (int x = 0; x < w; x++) {
                pts[(y * w + x) * 2] = (x + 0.5f) / w;
                pts[(y * w + x) * 2 + 1] = (y + 0.5f) / w;
                wt[y * w + x] = x < w / 4 ? 1f : 0f; // all weight on the left quarter
            }
        }
        KMeansInit.Result r = KMeansInit.run(pts, wt, 2, 20, 5, 1e-4, 1.0, 1, CpuDevice.shared());
        for (int j = 0; j < 20; j++) assertTrue(r.centers()[j * 2] < 0.3f, "centre " + j + " x = " + r.centers()[j * 2]);
        KMeansInit.Result r2 = KMeansInit.run(pts, wt, 2, 20, 5, 1e-4, 1.0, 1, CpuDevice.withThreads(1));
        assertEquals(java.util.Arrays.toString(r.centers()), java.util.Arrays.toString(r2.centers()));
        for (int j = 0; j < 20; j++) assertTrue(r.shapes()[j * 3] > 0 && r.shapes()[j * 3 + 2] > 0);
    }
}
