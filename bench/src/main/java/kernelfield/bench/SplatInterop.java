package kernelfield.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import kernelfield.fields.splat.GaussianSet;
import kernelfield.fields.splat.SplatFormats;

/**
 * Our side of the interop check with other splat tools ({@code bench/splat/interop.sh}).
 *
 * <ul>
 *   <li>{@code synth OUT N SEED}: writes a seeded synthetic set of {@code N} splats with our writer
 *       (by extension: {@code .ply} 3DGS PLY with SH degree 3, or {@code .splat}): positions normal
 *       around {@code (0.5, -1, 2)} with deviations {@code (1, 2, 0.5)}, log-scales uniform in
 *       {@code [-5, -2]}, random unit quaternions, opacity logits normal {@code (0.5, 1.5)}, f_dc
 *       normal {@code (0, 0.8)}, f_rest normal {@code (0, 0.1)}.</li>
 *   <li>{@code convert IN OUT}: reads a splat file and writes it in the format of {@code OUT}'s
 *       extension, with our reader and writer.</li>
 *   <li>{@code stats IN}: reads a splat file with our reader and prints one JSON object,
 *       {@code {"count": N, "columns": {"x": {"mean": .., "min": .., "max": ..}, ...}}}, over the
 *       PLY column names {@code x y z scale_0..2 opacity f_dc_0..2 rot_0..3 f_rest_0 f_rest_14
 *       f_rest_44} (file values, before activation; {@code f_rest_k} in the file's channel-major
 *       order).</li>
 * </ul>
 */
public final class SplatInterop {
    private SplatInterop() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length == 4 && args[0].equals("synth")) {
            GaussianSet g = synthetic(Integer.parseInt(args[2]), Long.parseLong(args[3]));
            SplatFormats.write(Path.of(args[1]), g);
            System.err.println("wrote " + g.size() + " splats to " + args[1]);
        } else if (args.length == 3 && args[0].equals("convert")) {
            SplatFormats.write(Path.of(args[2]), SplatFormats.read(Path.of(args[1])));
        } else if (args.length == 2 && args[0].equals("stats")) {
            System.out.println(statsJson(SplatFormats.read(Path.of(args[1]))));
        } else {
            System.err.println("usage: SplatInterop synth OUT.ply|OUT.splat N SEED | convert IN OUT | stats IN.ply|IN.splat");
            System.exit(2);
        }
    }

    /** The synthetic set described in the class comment; allocates it. */
    public static GaussianSet synthetic(int n, long seed) {
        Random r = new Random(seed);
        float[] xyz = new float[n * 3], ls = new float[n * 3], q = new float[n * 4], op = new float[n],
                dc = new float[n * 3], rest = new float[n * GaussianSet.REST_COLS];
        double[] mu = {0.5, -1, 2}, sd = {1, 2, 0.5};
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < 3; k++) {
                xyz[3 * i + k] = (float) (mu[k] + sd[k] * r.nextGaussian());
                ls[3 * i + k] = (float) (-5 + 3 * r.nextDouble());
                dc[3 * i + k] = (float) (0.8 * r.nextGaussian());
            }
            double w = r.nextGaussian(), x = r.nextGaussian(), y = r.nextGaussian(), z = r.nextGaussian();
            double norm = Math.sqrt(w * w + x * x + y * y + z * z);
            if (w < 0) norm = -norm; // w >= 0, the form compact formats store
            q[4 * i] = (float) (w / norm);
            q[4 * i + 1] = (float) (x / norm);
            q[4 * i + 2] = (float) (y / norm);
            q[4 * i + 3] = (float) (z / norm);
            op[i] = (float) (0.5 + 1.5 * r.nextGaussian());
            for (int k = 0; k < GaussianSet.REST_COLS; k++) rest[i * GaussianSet.REST_COLS + k] = (float) (0.1 * r.nextGaussian());
        }
        GaussianSet g = GaussianSet.of(xyz, ls, q, op, dc, rest, null);
        g.setActiveShDegree(GaussianSet.MAX_SH_DEGREE);
        return g;
    }

    /** Column statistics of a set as JSON (see the class comment). Allocates the text. */
    public static String statsJson(GaussianSet g) {
        int n = g.size();
        Map<String, float[]> cols = new LinkedHashMap<>();
        float[] xyz = g.means().value(), ls = g.logScales().value(), q = g.quaternions().value(),
                op = g.opacityLogits().value(), dc = g.shDc().value(), rest = g.shRest().value();
        for (int k = 0; k < 3; k++) cols.put("xyz".substring(k, k + 1), column(xyz, 3, k, n));
        for (int k = 0; k < 3; k++) cols.put("scale_" + k, column(ls, 3, k, n));
        cols.put("opacity", column(op, 1, 0, n));
        for (int k = 0; k < 3; k++) cols.put("f_dc_" + k, column(dc, 3, k, n));
        for (int k = 0; k < 4; k++) cols.put("rot_" + k, column(q, 4, k, n));
        // file column f_rest_{c * 15 + k - 1} is coefficient k of channel c, memory column (k - 1) * 3 + c
        for (int[] ck : new int[][] {{0, 1}, {0, 15}, {2, 15}}) {
            cols.put("f_rest_" + (ck[0] * 15 + ck[1] - 1), column(rest, GaussianSet.REST_COLS, (ck[1] - 1) * 3 + ck[0], n));
        }
        StringBuilder sb = new StringBuilder();
        sb.append("{\"count\": ").append(n).append(", \"columns\": {");
        boolean first = true;
        for (var e : cols.entrySet()) {
            double sum = 0, min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
            for (float v : e.getValue()) {
                sum += v;
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            if (!first) sb.append(", ");
            first = false;
            sb.append(String.format(Locale.ROOT, "\"%s\": {\"mean\": %.9g, \"min\": %.9g, \"max\": %.9g}",
                    e.getKey(), n == 0 ? 0 : sum / n, min, max));
        }
        return sb.append("}}").toString();
    }

    private static float[] column(float[] a, int cols, int c, int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) out[i] = a[i * cols + c];
        return out;
    }
}
