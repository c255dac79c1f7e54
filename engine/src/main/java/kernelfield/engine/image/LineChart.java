package kernelfield.engine.image;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import javax.imageio.ImageIO;

import kernelfield.engine.io.AtomicFiles;

/**
 * A line chart as a PNG (convergence curves: PSNR against time, loss against steps), drawn with
 * Java2D off screen: axes with rounded ticks, the points joined by a line and marked, a title and
 * axis labels. Headless; allocates the image.
 */
public final class LineChart {
    private static final int W = 720;
    private static final int H = 440;
    private static final int LEFT = 72;
    private static final int RIGHT = 24;
    private static final int TOP = 44;
    private static final int BOTTOM = 56;

    private LineChart() {
    }

    /**
     * Writes the chart of {@code points} ((x, y) pairs, drawn in order) to {@code file} (PNG,
     * written atomically). Non-finite points are left out.
     *
     * @throws IllegalArgumentException when no point is finite
     */
    public static void writePng(Path file, String title, String xLabel, String yLabel, List<double[]> points) throws IOException {
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
        double x0 = Double.POSITIVE_INFINITY, x1 = Double.NEGATIVE_INFINITY;
        double y0 = Double.POSITIVE_INFINITY, y1 = Double.NEGATIVE_INFINITY;
        int finite = 0;
        for (double[] p : points) {
            if (!Double.isFinite(p[0]) || !Double.isFinite(p[1])) continue;
            x0 = Math.min(x0, p[0]);
            x1 = Math.max(x1, p[0]);
            y0 = Math.min(y0, p[1]);
            y1 = Math.max(y1, p[1]);
            finite++;
        }
        if (finite == 0) throw new IllegalArgumentException("a chart needs at least one finite point");
        double[] xt = ticks(Math.min(x0, 0), x1);
        double[] yt = ticks(y0, y1);
        double ax0 = xt[0], ax1 = xt[xt.length - 1], ay0 = yt[0], ay1 = yt[yt.length - 1];

        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, W, H);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            FontMetrics fm = g.getFontMetrics();
            int pw = W - LEFT - RIGHT, ph = H - TOP - BOTTOM;
            for (double t : xt) {
                int px = LEFT + (int) Math.round((t - ax0) / (ax1 - ax0) * pw);
                g.setColor(new Color(225, 225, 225));
                g.drawLine(px, TOP, px, TOP + ph);
                g.setColor(Color.DARK_GRAY);
                String s = label(t);
                g.drawString(s, px - fm.stringWidth(s) / 2, TOP + ph + fm.getAscent() + 6);
            }
            for (double t : yt) {
                int py = TOP + ph - (int) Math.round((t - ay0) / (ay1 - ay0) * ph);
                g.setColor(new Color(225, 225, 225));
                g.drawLine(LEFT, py, LEFT + pw, py);
                g.setColor(Color.DARK_GRAY);
                String s = label(t);
                g.drawString(s, LEFT - fm.stringWidth(s) - 8, py + fm.getAscent() / 2 - 1);
            }
            g.setColor(Color.BLACK);
            g.drawRect(LEFT, TOP, pw, ph);
            g.drawString(xLabel, LEFT + (pw - fm.stringWidth(xLabel)) / 2, H - 14);
            Graphics2D gy = (Graphics2D) g.create();
            gy.rotate(-Math.PI / 2);
            gy.drawString(yLabel, -(TOP + (ph + fm.stringWidth(yLabel)) / 2), 18);
            gy.dispose();
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
            g.drawString(title, LEFT, TOP - 16);

            Path2D.Double line = new Path2D.Double();
            boolean first = true;
            g.setColor(new Color(31, 119, 180));
            for (double[] p : points) {
                if (!Double.isFinite(p[0]) || !Double.isFinite(p[1])) continue;
                double px = LEFT + (p[0] - ax0) / (ax1 - ax0) * pw;
                double py = TOP + ph - (p[1] - ay0) / (ay1 - ay0) * ph;
                if (first) line.moveTo(px, py);
                else line.lineTo(px, py);
                first = false;
                g.fillOval((int) Math.round(px) - 3, (int) Math.round(py) - 3, 7, 7);
            }
            g.setStroke(new BasicStroke(2f));
            g.draw(line);
        } finally {
            g.dispose();
        }
        AtomicFiles.write(file, out -> {
            if (!ImageIO.write(img, "png", out)) throw new IOException("no PNG writer for " + file);
        });
    }

    /** Tick positions covering {@code [lo, hi]}: 4 to 10 steps of 1, 2 or 5 times a power of ten. */
    static double[] ticks(double lo, double hi) {
        if (!(hi > lo)) {
            double pad = Math.max(Math.abs(lo) * 0.05, 1e-9);
            lo -= pad;
            hi += pad;
        }
        double raw = (hi - lo) / 5;
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = mag * (raw / mag < 1.5 ? 1 : raw / mag < 3.5 ? 2 : raw / mag < 7.5 ? 5 : 10);
        double a = Math.floor(lo / step) * step, b = Math.ceil(hi / step) * step;
        int n = (int) Math.round((b - a) / step);
        double[] t = new double[n + 1];
        for (int i = 0; i <= n; i++) t[i] = a + i * step;
        return t;
    }

    private static String label(double v) {
        double a = Math.abs(v);
        if (a != 0 && (a >= 1e5 || a < 1e-3)) return String.format(Locale.ROOT, "%.1e", v);
        String s = String.format(Locale.ROOT, "%.3f", v);
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }
}
