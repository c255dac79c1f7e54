package kernelfield.fields.nks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class QuadraticBSplineTest {
    @Test
    void partitionOfUnityAndWeightsAgreeWithValue() {
        double[] w = new double[3], dw = new double[3];
        for (int i = 0; i <= 200; i++) {
            double t = -0.5 + i / 200.0;
            double s = 0;
            for (int k = -3; k <= 3; k++) s += QuadraticBSpline.value(t - k);
            assertEquals(1.0, s, 1e-14, "partition of unity at " + t);
            QuadraticBSpline.weights(t, w, dw, 0);
            assertEquals(QuadraticBSpline.value(t + 1), w[0], 1e-15);
            assertEquals(QuadraticBSpline.value(t), w[1], 1e-15);
            assertEquals(QuadraticBSpline.value(t - 1), w[2], 1e-15);
            assertEquals(QuadraticBSpline.derivative(t + 1), dw[0], 1e-15);
            assertEquals(QuadraticBSpline.derivative(t), dw[1], 1e-15);
            assertEquals(QuadraticBSpline.derivative(t - 1), dw[2], 1e-15);
            assertEquals(0.0, dw[0] + dw[1] + dw[2], 1e-14, "derivatives of a partition of unity sum to 0");
        }
        assertEquals(0.0, QuadraticBSpline.value(1.5));
        assertEquals(0.0, QuadraticBSpline.value(-2));
    }

    @Test
    void derivativeMatchesFiniteDifferences() {
        double eps = 1e-6;
        for (int i = 0; i <= 300; i++) {
            double t = -1.6 + 3.2 * i / 300.0;
            double fd = (QuadraticBSpline.value(t + eps) - QuadraticBSpline.value(t - eps)) / (2 * eps);
            assertEquals(fd, QuadraticBSpline.derivative(t), 1e-8, "b'(" + t + ")");
        }
    }

    @Test
    void galerkinTablesMatchNumericalIntegrals() {
        // 3-point Gauss-Legendre on each half-unit knot interval is exact for these piecewise quadratics
        double[] gx = {-Math.sqrt(0.6), 0, Math.sqrt(0.6)};
        double[] gw = {5.0 / 9, 8.0 / 9, 5.0 / 9};
        for (int d = -2; d <= 2; d++) {
            double m = 0, s = 0;
            for (double a = -2; a < 2; a += 0.5) {
                for (int q = 0; q < 3; q++) {
                    double t = a + 0.25 + 0.25 * gx[q], wq = 0.25 * gw[q];
                    m += wq * QuadraticBSpline.value(t) * QuadraticBSpline.value(t - d);
                    s += wq * QuadraticBSpline.derivative(t) * QuadraticBSpline.derivative(t - d);
                }
            }
            assertEquals(m, QuadraticBSpline.MASS[d + 2], 1e-14, "mass " + d);
            assertEquals(s, QuadraticBSpline.STIFFNESS[d + 2], 1e-14, "stiffness " + d);
        }
        assertEquals(0.0, QuadraticBSpline.stiffness3(3, 0, 0, 1.0));
        // stiffness rows of a full lattice sum to zero (constants are in the kernel of the Laplacian)
        double row = 0;
        for (int dz = -2; dz <= 2; dz++) for (int dy = -2; dy <= 2; dy++) for (int dx = -2; dx <= 2; dx++) row += QuadraticBSpline.stiffness3(dx, dy, dz, 0.7);
        assertEquals(0.0, row, 1e-14);
        assertTrue(QuadraticBSpline.stiffness3(0, 0, 0, 2.0) > 0);
    }
}
