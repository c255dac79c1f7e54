package kernelfield.reconstruction.nvs.volsdf;

/**
 * VolSDF's volume rendering of one ray, forward and analytic backward, in double precision.
 *
 * <p>Samples {@code i = 0..n-1} along the ray, front to back, with signed distances {@code d_i},
 * colours {@code c_i (3)} and lengths {@code delta_i}:
 * <pre>
 * sigma_i = Psi(-d_i / beta) / beta          Psi(u) = u &lt;= 0 ? exp(u) / 2 : 1 - exp(-u) / 2  (Laplace CDF)
 * a_i     = 1 - exp(-sigma_i delta_i)        T_0 = 1, T_{i+1} = T_i (1 - a_i)
 * w_i     = T_i a_i
 * C       = sum_i w_i c_i + T_n bg           O = 1 - T_n   (opacity)
 * </pre>
 * The backward pass uses the stable form {@code dC/dsigma_i = delta_i (T_{i+1} c_i - S_i)} with
 * {@code S_i = sum_{j>i} w_j c_j + T_n bg}, and {@code dO/dsigma_i = delta_i T_n}, so nothing
 * divides by {@code 1 - a_i}.
 *
 * <p>A {@link Ray} holds the per-sample state of the last forward pass; one per thread. Nothing
 * here allocates after the ray's construction.
 */
public final class VolumeRendering {
    private VolumeRendering() {
    }

    /** The Laplace density {@code Psi(-d / beta) / beta} (VolSDF with {@code alpha = 1 / beta}). */
    public static double density(double d, double beta) {
        double u = -d / beta;
        double psi = u <= 0 ? 0.5 * Math.exp(u) : 1 - 0.5 * Math.exp(-u);
        return psi / beta;
    }

    /** State of one ray of up to {@code capacity} samples. */
    public static final class Ray {
        final double[] sigma;
        final double[] trans;
        final double[] weight;
        /** Composited colour {@code (3)} of the last forward pass. */
        public final double[] colour = new double[3];
        /** Opacity {@code 1 - T_n} of the last forward pass. */
        public double opacity;
        int n;

        /** Allocates the per-sample buffers. */
        public Ray(int capacity) {
            sigma = new double[capacity];
            trans = new double[capacity + 1];
            weight = new double[capacity];
        }

        /** Weight {@code w_i} of sample {@code i} of the last forward pass. */
        public double weight(int i) {
            return weight[i];
        }

        /** Transmittance {@code T_i} in front of sample {@code i} ({@code i == n}: behind the last). */
        public double transmittance(int i) {
            return trans[i];
        }
    }

    /**
     * Composites {@code n} samples: {@code sdf[so + i]}, colours {@code rgb[co + 3 i ..]},
     * lengths {@code delta[so + i]}, over {@code bg (3)}. Writes {@link Ray#colour} and
     * {@link Ray#opacity}; modifies only the ray.
     */
    public static void forward(Ray ray, int n, double[] sdf, double[] rgb, double[] delta, int so, int co, double beta,
            double[] bg) {
        if (n > ray.sigma.length) throw new IllegalArgumentException(n + " samples exceed the ray's capacity " + ray.sigma.length);
        ray.n = n;
        double t = 1, r = 0, g = 0, b = 0;
        for (int i = 0; i < n; i++) {
            double s = density(sdf[so + i], beta);
            double e = Math.exp(-s * delta[so + i]);
            double w = t * (1 - e);
            ray.sigma[i] = s;
            ray.trans[i] = t;
            ray.weight[i] = w;
            int c = co + 3 * i;
            r += w * rgb[c];
            g += w * rgb[c + 1];
            b += w * rgb[c + 2];
            t *= e;
        }
        ray.trans[n] = t;
        ray.colour[0] = r + t * bg[0];
        ray.colour[1] = g + t * bg[1];
        ray.colour[2] = b + t * bg[2];
        ray.opacity = 1 - t;
    }

    /**
     * Back-propagates {@code dC (3)} and {@code dO}, the loss gradients of the colour and opacity
     * of the last {@link #forward} on the same samples: writes {@code dSdf[so + i]} and
     * {@code dRgb[co + 3 i ..]} (overwritten, not added) and returns {@code dL/dbeta}.
     */
    public static double backward(Ray ray, double[] sdf, double[] rgb, double[] delta, int so, int co, double beta,
            double[] bg, double[] dC, double dO, double[] dSdf, double[] dRgb) {
        int n = ray.n;
        double tn = ray.trans[n];
        double sr = tn * bg[0], sg = tn * bg[1], sb = tn * bg[2]; // S_i, built back to front
        double dBeta = 0;
        double ib2 = 1 / (beta * beta);
        for (int i = n - 1; i >= 0; i--) {
            int c = co + 3 * i;
            double w = ray.weight[i];
            double tNext = ray.trans[i + 1];
            double cr = rgb[c], cg = rgb[c + 1], cb = rgb[c + 2];
            double gs = delta[so + i] * (dC[0] * (tNext * cr - sr) + dC[1] * (tNext * cg - sg) + dC[2] * (tNext * cb - sb)
                    + dO * tn);
            double u = -sdf[so + i] / beta;
            double ex = Math.exp(-Math.abs(u));
            double psi = u <= 0 ? 0.5 * ex : 1 - 0.5 * ex;
            double dpsi = 0.5 * ex;
            dSdf[so + i] = gs * (-dpsi * ib2);
            dBeta += gs * (-(psi + u * dpsi) * ib2);
            dRgb[c] = w * dC[0];
            dRgb[c + 1] = w * dC[1];
            dRgb[c + 2] = w * dC[2];
            sr += w * cr;
            sg += w * cg;
            sb += w * cb;
        }
        return dBeta;
    }
}
