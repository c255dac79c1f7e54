package kernelfield.fields.rbf;

import java.util.Arrays;

import kernelfield.engine.optim.ParamBlock;
import kernelfield.fields.rbf.internal.FusedMlp;

/**
 * A float64 twin of {@link RbfField}'s forward pass, written plainly from the math (brute-force
 * neighbour search over all kernels), for tests: values and central finite differences.
 */
final class RbfReference {
    private RbfReference() {
    }

    static double kernel(RbfKernel k, double q, double sup) {
        if (q >= sup) return 0;
        double t = q / sup;
        double taper = (1 - t) * (1 - t) * (1 + 2 * t);
        return switch (k) {
            case GAUSSIAN -> Math.exp(-0.5 * q) * taper;
            case INVERSE_QUADRATIC -> taper / (1 + q);
            case WENDLAND -> {
                double r = Math.sqrt(t);
                yield Math.pow(1 - r, 4) * (4 * r + 1);
            }
        };
    }

    /** Output of the field at x (dim) with all parameters read as doubles from the blocks. */
    static double[] eval(RbfField f, double[] x) {
        RbfFieldConfig cfg = f.config();
        int dim = cfg.dim();
        int ch = cfg.channels();
        RbfBasis b = f.basis();
        float[] c = b.centers().value();
        float[] s = b.shapes().value();
        int sc = RbfBasis.shapeCols(dim);
        int kk = b.size();
        double[] feat = new double[cfg.featureWidth()];
        if (ch > 0) {
            double[] qs = new double[kk];
            Integer[] order = new Integer[kk];
            for (int j = 0; j < kk; j++) {
                double[] d = new double[dim];
                for (int a = 0; a < dim; a++) d[a] = x[a] - c[j * dim + a];
                double q = 0;
                int o = j * sc;
                for (int r = 0; r < dim; r++) {
                    double u = 0;
                    for (int col = r; col < dim; col++) {
                        u += s[o + triIndex(r, col, dim)] * d[col];
                    }
                    q += u * u;
                }
                qs[j] = q;
                order[j] = j;
            }
            Arrays.sort(order, (p, q) -> qs[p] != qs[q] ? Double.compare(qs[p], qs[q]) : Integer.compare(p, q));
            float[] m = f.frequencies();
            float[] w = f.kernelFeatures().value();
            boolean composed = cfg.rbfFreqMax() > 0;
            double sum = 0;
            for (int t = 0; t < Math.min(b.maxNeighbours(), kk); t++) {
                int j = order[t];
                if (!(qs[j] < b.support())) break;
                sum += kernel(b.kernel(), qs[j], b.support());
            }
            double norm = cfg.normalize() ? sum + 1e-8 : 1;
            for (int t = 0; t < Math.min(b.maxNeighbours(), kk); t++) {
                int j = order[t];
                if (!(qs[j] < b.support())) break;
                double phi = kernel(b.kernel(), qs[j], b.support()) / norm;
                for (int cc = 0; cc < ch; cc++) {
                    feat[cc] += w[j * ch + cc] * (composed ? Math.sin(m[cc] * phi) : phi);
                }
            }
        }
        GridEncoding g = f.grid();
        if (g != null) {
            int corners = g.corners();
            int[] idx = new int[corners];
            float[] wt = new float[corners];
            // weights in double from the same cell choice
            float[] xf = new float[dim];
            for (int a = 0; a < dim; a++) xf[a] = (float) x[a];
            float[] tab = g.table().value();
            for (int l = 0; l < g.levels(); l++) {
                g.corners(xf, 0, l, idx, wt, 0, null);
                double[] wd = gridWeights(g, x, l, idx, cfg);
                for (int e = 0; e < g.features(); e++) {
                    double acc = 0;
                    for (int k = 0; k < corners; k++) acc += wd[k] * tab[idx[k] * g.features() + e];
                    feat[ch + l * g.features() + e] = acc;
                }
            }
        }
        if (cfg.decoder() == RbfFieldConfig.Decoder.GNF) return gnf(f, feat);
        FusedMlp mlp = f.decoder();
        double[] h = feat;
        for (int l = 0; l < mlp.layers(); l++) {
            ParamBlock wb = f.params().get("decoder." + l + ".weight");
            ParamBlock bb = f.params().get("decoder." + l + ".bias");
            int nin = mlp.width(l), nout = mlp.width(l + 1);
            double[] z = new double[nout];
            for (int o = 0; o < nout; o++) {
                double acc = bb.value()[o];
                for (int i = 0; i < nin; i++) acc += wb.value()[o * nin + i] * h[i];
                z[o] = switch (mlp.activation(l)) {
                    case NONE -> acc;
                    case RELU -> Math.max(acc, 0);
                    case SINE_RESIDUAL -> acc + Math.sin(mlp.frequencies(l)[o] * acc);
                };
            }
            h = z;
        }
        return h;
    }

    /** {@code y_c = b_c + sum_j w_{c,j} exp(-sum_i (exp(l_{j,i}) (h_i - mu_{j,i}))^2)} in float64. */
    static double[] gnf(RbfField f, double[] h) {
        int fw = h.length;
        int j = f.config().neurons(), outs = f.config().outputs();
        float[] mu = f.params().get("decoder.gnf.centers").value();
        float[] ls = f.params().get("decoder.gnf.log_scales").value();
        float[] w = f.params().get("decoder.gnf.weight").value();
        float[] b = f.params().get("decoder.gnf.bias").value();
        double[] y = new double[outs];
        for (int c = 0; c < outs; c++) y[c] = b[c];
        for (int n = 0; n < j; n++) {
            double e = 0;
            for (int i = 0; i < fw; i++) {
                double t = Math.exp(ls[n * fw + i]) * (h[i] - mu[n * fw + i]);
                e += t * t;
            }
            double g = Math.exp(-e);
            for (int c = 0; c < outs; c++) y[c] += w[c * j + n] * g;
        }
        return y;
    }

    /** Interpolation weights in double for the corners chosen by the float code (same cell). */
    private static double[] gridWeights(GridEncoding g, double[] x, int l, int[] idx, RbfFieldConfig cfg) {
        int dim = cfg.dim();
        float[] lo = cfg.boxLo();
        float[] hi = cfg.boxHi();
        double longest = 0;
        for (int a = 0; a < dim; a++) longest = Math.max(longest, hi[a] - lo[a]);
        double cell = longest / cfg.gridResolutions()[l];
        // recover the cell's integer corner from the first corner's row
        int row = idx[0] - g.levelOffset(l);
        int[] n = new int[dim];
        for (int a = 0; a < dim; a++) n[a] = Math.max(2, (int) Math.ceil((hi[a] - lo[a]) / (float) cell - 1e-4) + 1);
        int[] i0 = new int[dim];
        for (int a = 0; a < dim; a++) {
            i0[a] = row % n[a];
            row /= n[a];
        }
        double[] f = new double[dim];
        for (int a = 0; a < dim; a++) f[a] = (x[a] - lo[a]) / cell - i0[a];
        double[] w = new double[1 << dim];
        for (int k = 0; k < w.length; k++) {
            double v = 1;
            for (int a = 0; a < dim; a++) v *= ((k >> a) & 1) == 1 ? f[a] : 1 - f[a];
            w[k] = v;
        }
        return w;
    }

    static int triIndex(int r, int c, int dim) {
        if (dim == 2) return r == 0 ? c : 2;
        return switch (r) {
            case 0 -> c;
            case 1 -> 2 + c;
            default -> 5;
        };
    }
}
