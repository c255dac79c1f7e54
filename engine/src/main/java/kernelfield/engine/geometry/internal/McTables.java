package kernelfield.engine.geometry.internal;

import java.util.Arrays;

/**
 * Marching-cubes tables, generated at class initialization from the geometry of the cube (no
 * hand-written case table).
 *
 * <p>Numbering: corner {@code c} of a cell sits at offset {@code (c & 1, c >> 1 & 1, c >> 2 & 1)}.
 * Edge {@code e} joins corner {@link #EDGE_C0}{@code [e]} to {@code EDGE_C0[e] | 1 << EDGE_AXIS[e]}.
 * Face {@code f = 2 axis + side} holds the corners whose bit {@code axis} equals {@code side}.
 * A corner is <em>inside</em> when its value is below the iso level; the case index has bit
 * {@code c} set for each inside corner.
 *
 * <p>Ambiguous faces (inside corners on one diagonal, outside corners on the other) are resolved
 * by the asymptotic decider on the bilinear interpolant of the face: the inside corners are
 * joined through the face when the product of their (iso-shifted) values exceeds the product of
 * the outside pair's. The rule depends only on the four values of the face, computed the same way
 * from both cells that share it, so neighbouring cells always cut a face along the same segments
 * and the output is watertight and edge-manifold.
 *
 * <p>For each case and each choice on its ambiguous faces, the generator cuts every face into
 * segments, orients each segment so that the surface normal points from inside to outside, chains
 * the segments into closed loops on the cube's boundary and triangulates each loop without any
 * diagonal between two vertices of one face (which a neighbouring cell could duplicate). Lookup:
 * index {@code i = case << 6 | faceMask}; triangles are the edge triples
 * {@code EDGES[OFFSET[i] .. OFFSET[i + 1])}, counter-clockwise seen from outside.
 */
public final class McTables {
    private McTables() {
    }

    /** First corner of each edge {@code (12)}. */
    public static final int[] EDGE_C0 = new int[12];
    /** Axis of each edge {@code (12)}: 0 x, 1 y, 2 z. */
    public static final int[] EDGE_AXIS = new int[12];
    /** Corners of each face in cyclic order {@code (6, 4)}. */
    static final int[][] FACE_CORNERS = new int[6][4];
    /** Edges of each face, edge k joining cyclic corners k and k+1 {@code (6, 4)}. */
    static final int[][] FACE_EDGES = new int[6][4];
    /** Bit mask of ambiguous faces of each case {@code (256)}. */
    public static final int[] AMBIGUOUS = new int[256];
    /** Start of each entry's edge list in {@link #EDGES} {@code (256 * 64 + 1)}. */
    public static final int[] OFFSET = new int[256 * 64 + 1];
    /**
     * Vertex triples of all entries: codes 0..11 are edge vertices; a code {@code 12 + c} is the
     * extra vertex of the entry's centre {@code c}, the mean of the edge vertices of a loop that
     * has no valid diagonal (listed in {@link #CENTRES}).
     */
    public static final byte[] EDGES;
    /** Start of each entry's centre list in {@link #CENTRES} {@code (256 * 64 + 1)}. */
    public static final int[] CENTRE_OFFSET = new int[256 * 64 + 1];
    /** Centres: for each, a count L followed by L edge codes. */
    public static final byte[] CENTRES;

    // generation state, used by the static initializer only
    private static byte[] centres;
    private static int centreLen, centreCount;

    static {
        int[][] edgeOf = new int[8][8];
        int e = 0;
        for (int axis = 0; axis < 3; axis++) {
            for (int c = 0; c < 8; c++) {
                if ((c >> axis & 1) == 0) {
                    EDGE_C0[e] = c;
                    EDGE_AXIS[e] = axis;
                    edgeOf[c][c | 1 << axis] = e;
                    edgeOf[c | 1 << axis][c] = e;
                    e++;
                }
            }
        }
        for (int f = 0; f < 6; f++) {
            int axis = f >> 1, side = f & 1, u = (axis + 1) % 3, w = (axis + 2) % 3;
            int[][] uv = {{0, 0}, {1, 0}, {1, 1}, {0, 1}};
            for (int k = 0; k < 4; k++) FACE_CORNERS[f][k] = side << axis | uv[k][0] << u | uv[k][1] << w;
            for (int k = 0; k < 4; k++) FACE_EDGES[f][k] = edgeOf[FACE_CORNERS[f][k]][FACE_CORNERS[f][(k + 1) % 4]];
        }
        for (int cs = 0; cs < 256; cs++) {
            for (int f = 0; f < 6; f++) {
                int[] fc = FACE_CORNERS[f];
                int a = cs >> fc[0] & 1, b = cs >> fc[1] & 1, c = cs >> fc[2] & 1, d = cs >> fc[3] & 1;
                if (a == c && b == d && a != b) AMBIGUOUS[cs] |= 1 << f;
            }
        }
        byte[] out = new byte[256 * 64 * 48];
        centres = new byte[256 * 64 * 16];
        int n = 0;
        for (int cs = 0; cs < 256; cs++) {
            for (int mask = 0; mask < 64; mask++) {
                int i = cs << 6 | mask;
                OFFSET[i] = n;
                CENTRE_OFFSET[i] = centreLen;
                centreCount = 0;
                if ((mask & ~AMBIGUOUS[cs]) != 0) continue;
                n = generate(cs, mask, out, n);
            }
        }
        OFFSET[256 * 64] = n;
        CENTRE_OFFSET[256 * 64] = centreLen;
        EDGES = Arrays.copyOf(out, n);
        CENTRES = Arrays.copyOf(centres, centreLen);
        centres = null;
    }


    private static double mid(int e, int k) {
        return (EDGE_C0[e] >> k & 1) + (EDGE_AXIS[e] == k ? 0.5 : 0);
    }

    private static int generate(int cs, int mask, byte[] out, int n) {
        int[] next = new int[12];
        Arrays.fill(next, -1);
        int[] incoming = new int[12];
        for (int f = 0; f < 6; f++) {
            int[] fc = FACE_CORNERS[f], fe = FACE_EDGES[f];
            int[] in = new int[4];
            for (int k = 0; k < 4; k++) in[k] = cs >> fc[k] & 1;
            if ((AMBIGUOUS[cs] >> f & 1) != 0) {
                boolean joinInside = (mask >> f & 1) != 0;
                for (int k = 0; k < 4; k++) {
                    // cut off the corners that are not joined
                    if ((in[k] == 1) != joinInside) addSegment(f, fe[(k + 3) % 4], fe[k], cs, next, incoming);
                }
            } else {
                int p = -1;
                for (int k = 0; k < 4; k++) {
                    if (in[k] != in[(k + 1) % 4]) {
                        if (p < 0) {
                            p = fe[k];
                        } else {
                            addSegment(f, p, fe[k], cs, next, incoming);
                        }
                    }
                }
            }
        }
        for (int e = 0; e < 12; e++) {
            boolean crossed = (cs >> EDGE_C0[e] & 1) != (cs >> (EDGE_C0[e] | 1 << EDGE_AXIS[e]) & 1);
            if (crossed != (next[e] >= 0) || incoming[e] != (crossed ? 1 : 0)) {
                throw new AssertionError("marching cubes table: case " + cs + " mask " + mask + " edge " + e);
            }
        }
        boolean[] done = new boolean[12];
        int[] loop = new int[12];
        for (int e = 0; e < 12; e++) {
            if (next[e] < 0 || done[e]) continue;
            int len = 0;
            for (int x = e; !done[x]; x = next[x]) {
                done[x] = true;
                loop[len++] = x;
            }
            n = triangulate(loop, len, out, n, cs, mask);
        }
        return n;
    }

    private static boolean shareFace(int e1, int e2) {
        for (int[] fe : FACE_EDGES) {
            boolean a = false, b = false;
            for (int e : fe) {
                a |= e == e1;
                b |= e == e2;
            }
            if (a && b) return true;
        }
        return false;
    }

    /**
     * Triangulates a loop with diagonals that never join two vertices of one cube face: such a
     * diagonal could be chosen by the neighbouring cell too, and the edge would then have four
     * triangles. Among the valid triangulations, the one with the shortest diagonals (measured
     * between edge midpoints) is taken.
     */
    private static int triangulate(int[] loop, int len, byte[] out, int n, int cs, int mask) {
        double[][] cost = new double[len][len];
        int[][] best = new int[len][len];
        for (int gap = 2; gap < len; gap++) {
            for (int i = 0; i + gap < len; i++) {
                int j = i + gap;
                cost[i][j] = Double.POSITIVE_INFINITY;
                best[i][j] = -1;
                for (int k = i + 1; k < j; k++) {
                    double c = cost[i][k] + cost[k][j] + chord(loop, len, i, k) + chord(loop, len, k, j);
                    if (c < cost[i][j]) {
                        cost[i][j] = c;
                        best[i][j] = k;
                    }
                }
            }
        }
        if (len >= 3 && cost[0][len - 1] == Double.POSITIVE_INFINITY) {
            // no valid diagonals: fan around a new vertex at the loop's centre
            int centre = 12 + centreCount;
            centres[centreLen++] = (byte) len;
            for (int k = 0; k < len; k++) centres[centreLen++] = (byte) loop[k];
            centreCount++;
            for (int k = 0; k < len; k++) {
                out[n++] = (byte) loop[k];
                out[n++] = (byte) loop[(k + 1) % len];
                out[n++] = (byte) centre;
            }
            return n;
        }
        return emit(loop, best, 0, len - 1, out, n);
    }

    /** Cost of the chord i-j of the loop: 0 for a side, its length for an allowed diagonal, +inf otherwise. */
    private static double chord(int[] loop, int len, int i, int j) {
        if (j == i + 1 || (i == 0 && j == len - 1)) return 0;
        if (shareFace(loop[i], loop[j])) return Double.POSITIVE_INFINITY;
        double s = 0;
        for (int k = 0; k < 3; k++) {
            double d = mid(loop[i], k) - mid(loop[j], k);
            s += d * d;
        }
        return Math.sqrt(s);
    }

    private static int emit(int[] loop, int[][] best, int i, int j, byte[] out, int n) {
        if (j - i < 2) return n;
        int k = best[i][j];
        n = emit(loop, best, i, k, out, n);
        out[n++] = (byte) loop[i];
        out[n++] = (byte) loop[k];
        out[n++] = (byte) loop[j];
        return emit(loop, best, k, j, out, n);
    }

    /** Adds the segment p-q on face f, oriented so that the surface normal points from inside to outside. */
    private static void addSegment(int f, int p, int q, int cs, int[] next, int[] incoming) {
        int axis = f >> 1;
        double[] g = new double[3];
        for (int e : new int[] {p, q}) {
            int c0 = EDGE_C0[e], c1 = c0 | 1 << EDGE_AXIS[e];
            int inside = (cs >> c0 & 1) == 1 ? c0 : c1, outside = inside == c0 ? c1 : c0;
            for (int k = 0; k < 3; k++) g[k] += (outside >> k & 1) - (inside >> k & 1);
        }
        double[] nf = new double[3];
        nf[axis] = (f & 1) == 1 ? 1 : -1;
        double tx = g[1] * nf[2] - g[2] * nf[1], ty = g[2] * nf[0] - g[0] * nf[2], tz = g[0] * nf[1] - g[1] * nf[0];
        double dot = (mid(q, 0) - mid(p, 0)) * tx + (mid(q, 1) - mid(p, 1)) * ty + (mid(q, 2) - mid(p, 2)) * tz;
        if (dot == 0) throw new AssertionError("marching cubes table: unoriented segment");
        int from = dot > 0 ? p : q, to = dot > 0 ? q : p;
        if (next[from] >= 0) throw new AssertionError("marching cubes table: edge " + from + " leaves twice");
        next[from] = to;
        incoming[to]++;
    }

    /**
     * Table index {@code case << 6 | faceMask} of a cell, or -1 when the cell has no surface.
     *
     * @param v the 8 corner values, corner order as above
     */
    public static int lookup(float[] v, float iso) {
        int cs = 0;
        for (int c = 0; c < 8; c++) if (v[c] < iso) cs |= 1 << c;
        if (cs == 0 || cs == 255) return -1;
        int amb = AMBIGUOUS[cs];
        int mask = 0;
        while (amb != 0) {
            int f = Integer.numberOfTrailingZeros(amb);
            amb &= amb - 1;
            int[] fc = FACE_CORNERS[f];
            double a = (double) v[fc[0]] - iso, b = (double) v[fc[1]] - iso;
            double c = (double) v[fc[2]] - iso, d = (double) v[fc[3]] - iso;
            // a, c on one diagonal, b, d on the other; products are exact-commutative, so both
            // cells sharing the face decide alike
            double pin, pout;
            if (a < 0) {
                pin = a * c;
                pout = b * d;
            } else {
                pin = b * d;
                pout = a * c;
            }
            if (pin > pout) mask |= 1 << f;
        }
        return cs << 6 | mask;
    }
}
