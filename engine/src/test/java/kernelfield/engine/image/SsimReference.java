package kernelfield.engine.image;

/** Direct (non-separable, no Vector API) float64 SSIM: the test oracle. */
final class SsimReference {
    private SsimReference() {
    }

    static double[] window() {
        double[] g = new double[11];
        double s = 0;
        for (int k = 0; k < 11; k++) {
            g[k] = Math.exp(-((k - 5) * (k - 5)) / (2 * 1.5 * 1.5));
            s += g[k];
        }
        for (int k = 0; k < 11; k++) g[k] /= s;
        return g;
    }

    /** Mean SSIM with zero padding; {@code valid} averages only over full-window elements. */
    static double ssim(double[] x, double[] y, int w, int h, int c, boolean valid) {
        double[] g = window();
        double c1 = 1e-4;
        double c2 = 9e-4;
        double sum = 0;
        long count = 0;
        for (int r = 0; r < h; r++) {
            for (int px = 0; px < w; px++) {
                if (valid && (r < 5 || r >= h - 5 || px < 5 || px >= w - 5)) continue;
                for (int ch = 0; ch < c; ch++) {
                    double m1 = 0, m2 = 0, e11 = 0, e22 = 0, e12 = 0;
                    for (int a = -5; a <= 5; a++) {
                        int rr = r + a;
                        if (rr < 0 || rr >= h) continue;
                        for (int b = -5; b <= 5; b++) {
                            int cc = px + b;
                            if (cc < 0 || cc >= w) continue;
                            double wt = g[a + 5] * g[b + 5];
                            double xv = x[(rr * w + cc) * c + ch];
                            double yv = y[(rr * w + cc) * c + ch];
                            m1 += wt * xv;
                            m2 += wt * yv;
                            e11 += wt * xv * xv;
                            e22 += wt * yv * yv;
                            e12 += wt * xv * yv;
                        }
                    }
                    double s11 = e11 - m1 * m1;
                    double s22 = e22 - m2 * m2;
                    double s12 = e12 - m1 * m2;
                    sum += (2 * m1 * m2 + c1) * (2 * s12 + c2) / ((m1 * m1 + m2 * m2 + c1) * (s11 + s22 + c2));
                    count++;
                }
            }
        }
        return sum / count;
    }
}
