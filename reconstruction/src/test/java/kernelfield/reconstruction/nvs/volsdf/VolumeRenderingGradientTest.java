package kernelfield.reconstruction.nvs.volsdf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

/** Float64 finite differences against the analytic backward of {@link VolumeRendering}. */
class VolumeRenderingGradientTest {
    private static final double[] BG = {1.0, 0.9, 0.8};

    /** L = wC . C + wO O for the samples as given. */
    private static double loss(double[] sdf, double[] rgb, double[] delta, double beta, double[] wC, double wO) {
        VolumeRendering.Ray r = new VolumeRendering.Ray(sdf.length);
        VolumeRendering.forward(r, sdf.length, sdf, rgb, delta, 0, 0, beta, BG);
        return wC[0] * r.colour[0] + wC[1] * r.colour[1] + wC[2] * r.colour[2] + wO * r.opacity;
    }

    @Test
    void colourAndOpacityGradientsMatchFiniteDifferences() {
        Random rnd = new Random(7);
        for (int trial = 0; trial < 20; trial++) {
            int n = 1 + rnd.nextInt(12);
            double beta = 0.02 + 0.2 * rnd.nextDouble();
            double[] sdf = new double[n], rgb = new double[3 * n], delta = new double[n];
            double t = 0.3;
            for (int i = 0; i < n; i++) {
                sdf[i] = t - 0.05 * i + 0.05 * rnd.nextGaussian(); // a surface crossing, front to back
                delta[i] = 0.01 + 0.08 * rnd.nextDouble();
                for (int c = 0; c < 3; c++) rgb[3 * i + c] = rnd.nextDouble();
            }
            double[] wC = {rnd.nextGaussian(), rnd.nextGaussian(), rnd.nextGaussian()};
            double wO = rnd.nextGaussian();

            VolumeRendering.Ray r = new VolumeRendering.Ray(n);
            VolumeRendering.forward(r, n, sdf, rgb, delta, 0, 0, beta, BG);
            double[] dSdf = new double[n], dRgb = new double[3 * n];
            double dBeta = VolumeRendering.backward(r, sdf, rgb, delta, 0, 0, beta, BG, wC, wO, dSdf, dRgb);

            double h = 1e-6;
            for (int i = 0; i < n; i++) {
                double[] p = sdf.clone(), m = sdf.clone();
                p[i] += h;
                m[i] -= h;
                double fd = (loss(p, rgb, delta, beta, wC, wO) - loss(m, rgb, delta, beta, wC, wO)) / (2 * h);
                assertEquals(fd, dSdf[i], 1e-6 * Math.max(1, Math.abs(fd)), "dL/dsdf " + i + " trial " + trial);
                for (int c = 0; c < 3; c++) {
                    double[] rp = rgb.clone(), rm = rgb.clone();
                    rp[3 * i + c] += h;
                    rm[3 * i + c] -= h;
                    double fc = (loss(sdf, rp, delta, beta, wC, wO) - loss(sdf, rm, delta, beta, wC, wO)) / (2 * h);
                    assertEquals(fc, dRgb[3 * i + c], 1e-7 * Math.max(1, Math.abs(fc)), "dL/drgb " + i + "," + c);
                }
            }
            double fb = (loss(sdf, rgb, delta, beta + h, wC, wO) - loss(sdf, rgb, delta, beta - h, wC, wO)) / (2 * h);
            assertEquals(fb, dBeta, 1e-5 * Math.max(1, Math.abs(fb)), "dL/dbeta trial " + trial);
        }
    }

    @Test
    void forwardIsTheQuadratureOfTheLaplaceDensity() {
        // one sample deep inside: sigma = (1 - exp(-|d|/beta)/2)/beta, alpha = 1 - exp(-sigma delta)
        double beta = 0.1, d = -0.3, delta = 0.05;
        double sigma = (1 - 0.5 * Math.exp(d / beta)) / beta;
        assertEquals(sigma, VolumeRendering.density(d, beta), 1e-12);
        assertEquals(0.5 * Math.exp(-0.3 / beta) / beta, VolumeRendering.density(0.3, beta), 1e-12);
        assertEquals(0.5 / beta, VolumeRendering.density(0, beta), 1e-12);
        VolumeRendering.Ray r = new VolumeRendering.Ray(1);
        VolumeRendering.forward(r, 1, new double[] {d}, new double[] {0.2, 0.4, 0.6}, new double[] {delta}, 0, 0, beta, BG);
        double a = 1 - Math.exp(-sigma * delta);
        assertEquals(a, r.opacity, 1e-12);
        assertEquals(a * 0.2 + (1 - a) * BG[0], r.colour[0], 1e-12);
        // a long ray through a solid ends opaque: the colour is the first surface's
        int n = 200;
        double[] sdf = new double[n], rgb = new double[3 * n], dl = new double[n];
        for (int i = 0; i < n; i++) {
            sdf[i] = 0.5 - 0.01 * i;
            dl[i] = 0.01;
            for (int c = 0; c < 3; c++) rgb[3 * i + c] = sdf[i] > -0.05 ? 0.25 : 0.75;
        }
        VolumeRendering.Ray big = new VolumeRendering.Ray(n);
        VolumeRendering.forward(big, n, sdf, rgb, dl, 0, 0, 0.01, BG);
        assertTrue(big.opacity > 0.999, "opacity " + big.opacity);
        assertEquals(0.25, big.colour[0], 0.01);
    }

    @Test
    void shColourChainMatchesFiniteDifferences() {
        Random rnd = new Random(3);
        for (int deg = 0; deg <= 1; deg++) {
            int outs = 1 + 3 * (deg + 1) * (deg + 1);
            VolSdfField f = new VolSdfField(null, 0.1, 1e-3f, deg);
            float[] y = new float[outs];
            for (int i = 0; i < outs; i++) y[i] = (float) rnd.nextGaussian();
            float dx = 0.48f, dy = -0.6f, dz = 0.64f;
            double[] rgb = new double[3];
            f.colour(y, 0, dx, dy, dz, rgb, 0);
            double[] w = {0.3, -1.1, 0.7};
            float[] dOut = new float[outs];
            f.colourBackward(rgb, w, 0, dx, dy, dz, dOut, 0);
            for (int i = 1; i < outs; i++) {
                float[] p = y.clone(), m = y.clone();
                float h = 1e-2f;
                p[i] += h;
                m[i] -= h;
                double[] a = new double[3], b = new double[3];
                f.colour(p, 0, dx, dy, dz, a, 0);
                f.colour(m, 0, dx, dy, dz, b, 0);
                double fd = 0;
                for (int c = 0; c < 3; c++) fd += w[c] * (a[c] - b[c]) / (2 * h);
                assertEquals(fd, dOut[i], 1e-4, "SH degree " + deg + " output " + i);
            }
        }
    }
}
