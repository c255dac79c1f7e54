package kernelfield.reconstruction.nvs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import kernelfield.engine.data.CameraDataset;
import kernelfield.engine.data.FloatImage;
import kernelfield.engine.image.Psnr;
import kernelfield.engine.image.Ssim;
import kernelfield.engine.io.Images;
import kernelfield.engine.io.KfFormatException;

/**
 * Image metrics of novel-view synthesis: PSNR ({@link Psnr}, images in 0..1) and SSIM ({@link Ssim}
 * with its defaults: the 11x11 Gaussian window of sigma 1.5, zero padding, the mean over all
 * pixels and channels, as the 3DGS evaluation computes it), per view and their means. Ground truth
 * RGBA images are composited over the chosen background first.
 */
public final class NvsEvaluation {
    private NvsEvaluation() {
    }

    /** The scores of one view. */
    public record ViewScore(String name, double psnr, double ssim) {
    }

    /** Scores per view and their means. */
    public record Summary(List<ViewScore> views, double meanPsnr, double meanSsim) {
        /** As JSON-ready maps: {@code {"views": [{"name", "psnr", "ssim"}...], "psnr": .., "ssim": ..}}. */
        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("psnr", meanPsnr);
            m.put("ssim", meanSsim);
            m.put("count", views.size());
            List<Map<String, Object>> vs = new ArrayList<>();
            for (ViewScore v : views) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("name", v.name());
                e.put("psnr", v.psnr());
                e.put("ssim", v.ssim());
                vs.add(e);
            }
            m.put("views", vs);
            return m;
        }
    }

    /** Scores {@code pred} against {@code gt}, both RGB of one size. Allocates an SSIM workspace. */
    public static ViewScore score(String name, FloatImage pred, FloatImage gt) {
        return score(name, pred, gt, new HashMap<>());
    }

    static ViewScore score(String name, FloatImage pred, FloatImage gt, Map<Long, Ssim> cache) {
        if (pred.width() != gt.width() || pred.height() != gt.height() || pred.channels() != 3 || gt.channels() != 3) {
            throw new IllegalArgumentException(name + ": render " + pred + " and ground truth " + gt + " differ in size");
        }
        int w = pred.width(), h = pred.height();
        double psnr = Psnr.psnr(pred, gt);
        Ssim ssim = cache.computeIfAbsent(((long) w << 32) | h, k -> new Ssim(w, h, 3));
        return new ViewScore(name, psnr, ssim.value(pred.data(), gt.data()));
    }

    /** The means of the views' scores. */
    public static Summary summarize(List<ViewScore> views) {
        double p = 0, s = 0;
        for (ViewScore v : views) {
            p += v.psnr();
            s += v.ssim();
        }
        int n = Math.max(1, views.size());
        return new Summary(List.copyOf(views), p / n, s / n);
    }

    /**
     * Scores a folder of renders against a split of a dataset: for each view of the split, the
     * render named like the view's image file ({@code r_0.png} for {@code test/r_0.png}; a render
     * with the same stem and {@code .png} also matches). The ground truth is composited over
     * {@code background} and, when the renders are smaller (a resolution scale), area-resampled to
     * their size.
     *
     * @throws KfFormatException when a render is missing or its size does not match the view's aspect
     */
    public static Summary evaluateRenders(Path renders, CameraDataset ds, String split, float[] background) throws IOException {
        List<CameraDataset.View> views = split(ds, split);
        if (views.isEmpty()) throw new IllegalArgumentException(ds.root() + ": no views in split '" + split + "' (splits: " + ds.splits().keySet() + ")");
        Map<Long, Ssim> cache = new HashMap<>();
        List<ViewScore> out = new ArrayList<>();
        for (CameraDataset.View v : views) {
            String file = v.image().getFileName().toString();
            Path r = renders.resolve(file);
            if (!Files.isRegularFile(r)) {
                String stem = file.contains(".") ? file.substring(0, file.lastIndexOf('.')) : file;
                r = renders.resolve(stem + ".png");
            }
            if (!Files.isRegularFile(r)) {
                throw new KfFormatException(renders, "no render for view " + file + " (expected " + renders.resolve(file) + ")");
            }
            FloatImage pred = Images.read(r);
            if (pred.channels() < 3) throw new KfFormatException(r, "render has " + pred.channels() + " channels, expected RGB or RGBA");
            pred = NvsImages.rgbOver(pred.channels() > 4 ? pred.firstChannels(4) : pred, background);
            int cw = v.camera().width(), ch = v.camera().height();
            if ((long) pred.width() * ch != (long) pred.height() * cw || pred.width() > cw) {
                throw new KfFormatException(r, "render is " + pred.width() + "x" + pred.height() + ", view " + file + " is " + cw + "x" + ch);
            }
            FloatImage gt = NvsImages.rgbOver(NvsImages.read(v.image(), cw, ch, pred.width(), pred.height()), background);
            out.add(score(file, pred, gt, cache));
        }
        return summarize(out);
    }

    /**
     * The views of a split; for {@code test} on a dataset without one, every 8th view of
     * {@code train} (indices 0, 8, 16, ...), the convention of the 3DGS evaluation, and then
     * {@code train} is the others.
     */
    public static List<CameraDataset.View> split(CameraDataset ds, String split) {
        boolean ownTest = !ds.split("test").isEmpty();
        if (!ownTest && split.equals("test")) return everyEighth(ds.split("train"), true);
        if (!ownTest && split.equals("train")) return everyEighth(ds.split("train"), false);
        return ds.split(split);
    }

    private static List<CameraDataset.View> everyEighth(List<CameraDataset.View> all, boolean test) {
        List<CameraDataset.View> out = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) if ((i % 8 == 0) == test) out.add(all.get(i));
        return out;
    }
}
