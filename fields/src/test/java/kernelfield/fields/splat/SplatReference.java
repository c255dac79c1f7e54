package kernelfield.fields.splat;

import java.util.ArrayList;
import java.util.List;

import kernelfield.engine.data.Camera;

/**
 * A straightforward float64 twin of the splat forward pass, written from the math with plain
 * matrices and a per-pixel loop: the oracle of {@link SplatRasterCpu}'s forward and the function
 * that finite differences differentiate. Slow; small scenes only.
 */
final class SplatReference {
    /** Splat parameters in float64, same layouts as {@link GaussianSet}. */
    static final class Params {
        double[] means, logScales, quats, opLogits, dc, rest, shape;
        int degree;

        static Params of(GaussianSet g) {
            Params p = new Params();
            p.means = toDouble(g.means().value());
            p.logScales = toDouble(g.logScales().value());
            p.quats = toDouble(g.quaternions().value());
            p.opLogits = toDouble(g.opacityLogits().value());
            p.dc = toDouble(g.shDc().value());
            p.rest = toDouble(g.shRest().value());
            p.shape = g.hasShape() ? toDouble(g.shape().value()) : null;
            p.degree = g.activeShDegree();
            return p;
        }

        int n() {
            return opLogits.length;
        }
    }

    static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }

    static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    private static double[][] mul(double[][] a, double[][] b) {
        int n = a.length, m = b[0].length, k = b.length;
        double[][] c = new double[n][m];
        for (int i = 0; i < n; i++) for (int j = 0; j < m; j++) {
            double s = 0;
            for (int l = 0; l < k; l++) s += a[i][l] * b[l][j];
            c[i][j] = s;
        }
        return c;
    }

    private static double[][] transpose(double[][] a) {
        double[][] t = new double[a[0].length][a.length];
        for (int i = 0; i < a.length; i++) for (int j = 0; j < a[0].length; j++) t[j][i] = a[i][j];
        return t;
    }

    /** SH colour (before the +0.5 offset) of one channel at unit direction d. */
    static double sh(int degree, double[] coef, double x, double y, double z) {
        double[] b = new double[16];
        b[0] = 0.28209479177387814;
        double c1 = 0.4886025119029199;
        b[1] = -c1 * y;
        b[2] = c1 * z;
        b[3] = -c1 * x;
        b[4] = 1.0925484305920792 * x * y;
        b[5] = -1.0925484305920792 * y * z;
        b[6] = 0.31539156525252005 * (2 * z * z - x * x - y * y);
        b[7] = -1.0925484305920792 * x * z;
        b[8] = 0.5462742152960396 * (x * x - y * y);
        b[9] = -0.5900435899266435 * y * (3 * x * x - y * y);
        b[10] = 2.890611442640554 * x * y * z;
        b[11] = -0.4570457994644658 * y * (4 * z * z - x * x - y * y);
        b[12] = 0.3731763325901154 * z * (2 * z * z - 3 * x * x - 3 * y * y);
        b[13] = -0.4570457994644658 * x * (4 * z * z - x * x - y * y);
        b[14] = 1.445305721320277 * z * (x * x - y * y);
        b[15] = -0.5900435899266435 * x * (x * x - 3 * y * y);
        int nb = (degree + 1) * (degree + 1);
        double s = 0;
        for (int k = 0; k < nb; k++) s += b[k] * coef[k];
        return s;
    }

    private record Proj(int index, float depth, double mx, double my, double ca, double cb, double cc, double op,
                        double[] col, double phi, int x0, int y0, int x1, int y1) {
    }

    /** Renders the RGB image (H, W, 3). */
    static double[] render(Params p, Camera cam, SplatRasterSettings s, double[] bg) {
        int w = cam.width(), h = cam.height();
        int tilesX = (w + 15) / 16, tilesY = (h + 15) / 16;
        double[] rv = cam.rotation(), tv = cam.translation(), cp = cam.center();
        double[][] rw = {{rv[0], rv[1], rv[2]}, {rv[3], rv[4], rv[5]}, {rv[6], rv[7], rv[8]}};
        List<Proj> projs = new ArrayList<>();
        for (int i = 0; i < p.n(); i++) {
            double[] m = {p.means[3 * i], p.means[3 * i + 1], p.means[3 * i + 2]};
            double[] t = new double[3];
            for (int r = 0; r < 3; r++) t[r] = rw[r][0] * m[0] + rw[r][1] * m[1] + rw[r][2] * m[2] + tv[r];
            if (!(t[2] > 0.2)) continue;
            double shapeSig = p.shape == null ? 0.5 : sigmoid(p.shape[i]);
            double mulS = s.kernel() == SplatKernel.GES_SCALED ? 2 * shapeSig : 1;
            double phi = s.kernel() == SplatKernel.GES ? 2 * shapeSig : 1;
            double qw = p.quats[4 * i], qx = p.quats[4 * i + 1], qy = p.quats[4 * i + 2], qz = p.quats[4 * i + 3];
            double qn = Math.sqrt(qw * qw + qx * qx + qy * qy + qz * qz);
            qw /= qn;
            qx /= qn;
            qy /= qn;
            qz /= qn;
            double[][] rq = {
                {1 - 2 * (qy * qy + qz * qz), 2 * (qx * qy - qw * qz), 2 * (qx * qz + qw * qy)},
                {2 * (qx * qy + qw * qz), 1 - 2 * (qx * qx + qz * qz), 2 * (qy * qz - qw * qx)},
                {2 * (qx * qz - qw * qy), 2 * (qy * qz + qw * qx), 1 - 2 * (qx * qx + qy * qy)}};
            double[][] sm = new double[3][3];
            for (int k = 0; k < 3; k++) sm[k][k] = Math.exp(p.logScales[3 * i + k]) * mulS;
            double[][] mm = mul(rq, sm);
            double[][] sigma = mul(mm, transpose(mm));
            double tanX = w / (2 * cam.fx()), tanY = h / (2 * cam.fy());
            double cenX = (0.5 * w - cam.cx()) / cam.fx(), cenY = (0.5 * h - cam.cy()) / cam.fy();
            double u = t[0] / t[2], v = t[1] / t[2];
            double uc = Math.min(cenX + 1.3 * tanX, Math.max(cenX - 1.3 * tanX, u));
            double vc = Math.min(cenY + 1.3 * tanY, Math.max(cenY - 1.3 * tanY, v));
            double[][] jac = {{cam.fx() / t[2], 0, -cam.fx() * uc / t[2]}, {0, cam.fy() / t[2], -cam.fy() * vc / t[2]}};
            double[][] tt = mul(jac, rw);
            double[][] cov = mul(mul(tt, sigma), transpose(tt));
            double a = cov[0][0], b = cov[0][1], c = cov[1][1];
            double a2 = a + 0.3, c2 = c + 0.3, det2 = a2 * c2 - b * b;
            if (!(det2 > 1e-12)) continue;
            double comp = 1;
            if (s.antialiased()) {
                double det = a * c - b * b;
                comp = det > 0 ? Math.sqrt(det / det2) : 0;
            }
            double op = sigmoid(p.opLogits[i]) * comp;
            double mid = 0.5 * (a2 + c2);
            double lambda = mid + Math.sqrt(Math.max(0.1, mid * mid - det2));
            double mult = 3;
            if (s.kernel() == SplatKernel.GES) {
                mult = Math.min(6.0, Math.max(3.0, Math.sqrt(2 * Math.pow(Math.log(255.0), 1.0 / phi))));
            }
            int rad = (int) Math.ceil(mult * Math.sqrt(lambda));
            double px = cam.fx() * u + cam.cx(), py = cam.fy() * v + cam.cy();
            int x0 = (int) Math.max(0, Math.min(tilesX, Math.floor((px - rad) / 16)));
            int x1 = (int) Math.max(0, Math.min(tilesX, Math.floor((px + rad) / 16) + 1));
            int y0 = (int) Math.max(0, Math.min(tilesY, Math.floor((py - rad) / 16)));
            int y1 = (int) Math.max(0, Math.min(tilesY, Math.floor((py + rad) / 16) + 1));
            if (rad <= 0 || x0 >= x1 || y0 >= y1) continue;
            double dx = m[0] - cp[0], dy = m[1] - cp[1], dz = m[2] - cp[2];
            double dn = Math.sqrt(dx * dx + dy * dy + dz * dz);
            double[] col = new double[3];
            for (int ch = 0; ch < 3; ch++) {
                double[] coef = new double[16];
                coef[0] = p.dc[3 * i + ch];
                for (int k = 1; k < 16; k++) coef[k] = p.rest[45 * i + 3 * (k - 1) + ch];
                col[ch] = Math.max(0, sh(p.degree, coef, dx / dn, dy / dn, dz / dn) + 0.5);
            }
            projs.add(new Proj(i, (float) t[2], px, py, c2 / det2, -b / det2, a2 / det2, op, col, phi, x0, y0, x1, y1));
        }
        projs.sort((x, y) -> x.depth != y.depth ? Float.compare(x.depth, y.depth) : Integer.compare(x.index, y.index));
        double[] img = new double[w * h * 3];
        for (int yy = 0; yy < h; yy++) {
            for (int xx = 0; xx < w; xx++) {
                int tx = xx / 16, ty = yy / 16;
                double tr = 1, r = 0, g = 0, bl = 0;
                for (Proj q : projs) {
                    if (tx < q.x0 || tx >= q.x1 || ty < q.y0 || ty >= q.y1) continue;
                    double dx = q.mx - (xx + 0.5), dy = q.my - (yy + 0.5);
                    double pw = 0.5 * (q.ca * dx * dx + 2 * q.cb * dx * dy + q.cc * dy * dy);
                    double gk = s.kernel() == SplatKernel.GES ? Math.exp(-Math.pow(pw, q.phi)) : Math.exp(-pw);
                    double al = Math.min(0.99, q.op * gk);
                    if (al < 1.0 / 255) continue;
                    double test = tr * (1 - al);
                    if (test < 1e-4) break;
                    r += q.col[0] * al * tr;
                    g += q.col[1] * al * tr;
                    bl += q.col[2] * al * tr;
                    tr = test;
                }
                int o = 3 * (yy * w + xx);
                img[o] = r + tr * bg[0];
                img[o + 1] = g + tr * bg[1];
                img[o + 2] = bl + tr * bg[2];
            }
        }
        return img;
    }
}
