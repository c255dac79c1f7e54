package kernelfield.reconstruction.nvs;

import kernelfield.engine.optim.ParamBlock;
import kernelfield.fields.splat.GaussianSet;

/** Row operations on every block of a {@link GaussianSet} at once, and small splat maths. */
final class SplatOps {
    private SplatOps() {
    }

    /** Appends copies of {@code rows} to every block (zero gradient and moments); returns the first new row. */
    static int appendCopies(GaussianSet g, int[] rows) {
        int first = -1;
        for (ParamBlock b : g.params().blocks()) first = b.appendCopiesOf(rows);
        return first;
    }

    /** Keeps the flagged rows of every block. */
    static void keepRows(GaussianSet g, boolean[] keep) {
        for (ParamBlock b : g.params().blocks()) b.keepRows(keep);
    }

    /** Zeroes the Adam moments of the flagged rows of every block. */
    static void zeroMoments(GaussianSet g, boolean[] rows) {
        for (ParamBlock b : g.params().blocks()) b.zeroMoments(rows);
    }

    static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    static double logit(double p) {
        return Math.log(p / (1 - p));
    }

    /** Rotation matrix {@code out (3, 3)} row-major of quaternion {@code q[o..o+4)} (w, x, y, z), normalised. */
    static void rotation(float[] q, int o, double[] out) {
        double w = q[o], x = q[o + 1], y = q[o + 2], z = q[o + 3];
        double n = Math.sqrt(w * w + x * x + y * y + z * z);
        if (!(n > 0)) {
            w = 1;
            n = 1;
        }
        w /= n;
        x /= n;
        y /= n;
        z /= n;
        out[0] = 1 - 2 * (y * y + z * z);
        out[1] = 2 * (x * y - w * z);
        out[2] = 2 * (x * z + w * y);
        out[3] = 2 * (x * y + w * z);
        out[4] = 1 - 2 * (x * x + z * z);
        out[5] = 2 * (y * z - w * x);
        out[6] = 2 * (x * z - w * y);
        out[7] = 2 * (y * z + w * x);
        out[8] = 1 - 2 * (x * x + y * y);
    }
}
