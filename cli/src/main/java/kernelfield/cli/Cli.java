package kernelfield.cli;

import java.util.Locale;

/** Small parsing helpers shared by the commands. */
final class Cli {
    private Cli() {
    }

    /**
     * A length given as an absolute number ({@code 0.002}) or as a percentage of {@code reference}
     * ({@code 0.5%}).
     */
    static double lengthOrPercent(String text, double reference, String option) {
        String t = text.trim();
        try {
            double v = t.endsWith("%") ? Double.parseDouble(t.substring(0, t.length() - 1)) * reference / 100
                    : Double.parseDouble(t);
            if (!(v >= 0) || !Double.isFinite(v)) throw new NumberFormatException();
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + ": expected a non-negative number or percentage, got '" + text + "'");
        }
    }

    /** {@code WxH}, 1 to 16384 pixels per side, as {@code (2)}. Allocates the result. */
    static int[] size(String text) {
        String[] p = text.toLowerCase(Locale.ROOT).split("x");
        try {
            if (p.length != 2) throw new NumberFormatException();
            int w = Integer.parseInt(p[0].trim()), h = Integer.parseInt(p[1].trim());
            if (w <= 0 || h <= 0 || w > 16384 || h > 16384) throw new NumberFormatException();
            return new int[] {w, h};
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--size: expected WxH with 1..16384 pixels per side, got '" + text + "'");
        }
    }

    /** {@code R,G,B} with components in 0..1 as {@code (3)}. Allocates the result. */
    static float[] rgb(String text, String option) {
        float[] c = parseRgb(text);
        if (c == null) throw new IllegalArgumentException(option + ": expected R,G,B in 0..1, got '" + text + "'");
        return c;
    }

    /** {@code white}, {@code black} or {@code R,G,B} with components in 0..1, as {@code (3)}. Allocates the result. */
    static float[] background(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("white")) return new float[] {1, 1, 1};
        if (t.equals("black")) return new float[] {0, 0, 0};
        float[] c = parseRgb(t);
        if (c == null) throw new IllegalArgumentException("--background: expected white, black or R,G,B in 0..1, got '" + text + "'");
        return c;
    }

    /** {@code R,G,B} in 0..1 as {@code (3)}, or null when the text is not that. */
    private static float[] parseRgb(String text) {
        String[] p = text.split(",");
        if (p.length != 3) return null;
        float[] c = new float[3];
        try {
            for (int i = 0; i < 3; i++) {
                c[i] = Float.parseFloat(p[i].trim());
                if (!(c[i] >= 0 && c[i] <= 1)) return null;
            }
        } catch (NumberFormatException e) {
            return null;
        }
        return c;
    }
}
