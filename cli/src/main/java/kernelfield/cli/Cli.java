package kernelfield.cli;

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
}
