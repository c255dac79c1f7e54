package kernelfield.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import kernelfield.engine.data.Camera;
import kernelfield.engine.data.FloatImage;
import kernelfield.engine.image.Psnr;
import kernelfield.fields.splat.GaussianSet;
import kernelfield.fields.splat.SplatKernel;
import kernelfield.fields.splat.SplatRasterCpu;
import kernelfield.fields.splat.SplatRasterSettings;

/** The GL splat renderer against the CPU rasterizer (the oracle): PSNR at least 40 dB on the same scene and camera. */
class SplatGlVsCpuTest extends GlRendererTest {
    static final double MIN_PSNR = 40;

    private static double compare(GaussianSet g, Camera cam, SplatRasterSettings settings, SplatKernel kernel, float[] bg) {
        Scene s = new Scene().setBackground(bg[0], bg[1], bg[2]);
        s.addSplats(g).setKernel(kernel).setAntialiased(settings.antialiased());
        renderer.render(s, cam);
        FloatImage gl = renderer.readRgb();
        FloatImage cpu;
        try (SplatRasterCpu r = new SplatRasterCpu(settings.withKernel(kernel).withThreads(2))) {
            cpu = r.forward(g, cam, bg).toImage();
        }
        double psnr = Psnr.psnr(gl, cpu);
        System.err.printf("splats %d %s aa=%b degree %d %dx%d: PSNR %.1f dB%n", g.size(), kernel, settings.antialiased(),
                g.activeShDegree(), cam.width(), cam.height(), psnr);
        return psnr;
    }

    @Test
    void shDegreeThreeOffCentreCamera() {
        double p = compare(TestScenes.splats(4000, 3, 7), TestScenes.camera(160, 120), SplatRasterSettings.defaults(),
                SplatKernel.GAUSSIAN, new float[] {0.1f, 0.2f, 0.3f});
        assertTrue(p >= MIN_PSNR, "PSNR " + p);
    }

    @Test
    void denseOverlapDegreeZero() {
        // 20000 splats in the view: many layers per pixel, the transmittance runs low
        double p = compare(TestScenes.splats(20000, 0, 8), TestScenes.camera(128, 96), SplatRasterSettings.defaults(),
                SplatKernel.GAUSSIAN, new float[] {1, 1, 1});
        assertTrue(p >= MIN_PSNR, "PSNR " + p);
    }

    @Test
    void antialiasedFilter() {
        double p = compare(TestScenes.splats(3000, 1, 9), TestScenes.camera(96, 96),
                SplatRasterSettings.defaults().withAntialiased(true), SplatKernel.GAUSSIAN, new float[] {0, 0, 0});
        assertTrue(p >= MIN_PSNR, "PSNR " + p);
    }

    @Test
    void gesKernels() {
        GaussianSet g = TestScenes.splats(2000, 2, 10);
        GaussianSet withShape = GaussianSet.of(g.means().value(), g.logScales().value(), g.quaternions().value(),
                g.opacityLogits().value(), g.shDc().value(), g.shRest().value(), shapes(2000));
        withShape.setActiveShDegree(2);
        FloatImage[] images = new FloatImage[3];
        SplatKernel[] kernels = {SplatKernel.GES, SplatKernel.GES_SCALED, SplatKernel.GAUSSIAN};
        for (int i = 0; i < 3; i++) {
            double p = compare(withShape, TestScenes.camera(120, 90), SplatRasterSettings.defaults(), kernels[i],
                    new float[] {0.5f, 0.5f, 0.5f});
            assertTrue(p >= MIN_PSNR, kernels[i] + ": PSNR " + p);
            images[i] = renderer.readRgb();
        }
        // the kernels really differ (so the comparisons above test each of them)
        assertTrue(Psnr.psnr(images[0], images[1]) < 35 && Psnr.psnr(images[0], images[2]) < 35
                && Psnr.psnr(images[1], images[2]) < 35);
    }

    @Test
    void splatsBehindTheCameraOrDegenerateAreCulled() {
        GaussianSet g = TestScenes.splats(1500, 0, 12);
        float[] q = g.quaternions().value();
        for (int i = 0; i < 40; i++) q[4 * i] = q[4 * i + 1] = q[4 * i + 2] = q[4 * i + 3] = 0; // invalid
        Camera cam = Cameras.lookAt("inside", 96, 64, 60, new double[] {0, 0, 0.2}, new double[] {0, 0, -1}, new double[] {0, 1, 0});
        double p = compare(g, cam, SplatRasterSettings.defaults(), SplatKernel.GAUSSIAN, new float[] {0, 0, 0});
        assertTrue(p >= MIN_PSNR, "PSNR " + p);
        Scene s = new Scene();
        SplatDrawable d = s.addSplats(g);
        renderer.render(s, cam);
        int visible = renderer.visibleSplats(d);
        int cpuVisible = 0;
        try (SplatRasterCpu r = new SplatRasterCpu(SplatRasterSettings.defaults().withThreads(1))) {
            int[] radii = r.forward(g, cam, new float[3]).radii();
            for (int i = 0; i < g.size(); i++) if (radii[i] > 0) cpuVisible++;
        }
        assertTrue(visible > 0 && visible <= cpuVisible, visible + " visible on GL, " + cpuVisible + " on the CPU");
        // GL also culls splats whose alpha >= 1/255 ellipse misses their tile rectangle (they draw
        // nothing; the CPU still gives them a radius)
        assertTrue(visible >= cpuVisible * 0.85, visible + " visible on GL, " + cpuVisible + " on the CPU");
    }

    @Test
    void emptySetDrawsTheBackground() {
        Scene s = new Scene().setBackground(0.25f, 0.5f, 0.75f);
        s.addSplats(new GaussianSet(0, false));
        renderer.render(s, TestScenes.camera(16, 8));
        FloatImage img = renderer.readRgb();
        assertEquals(0.5f, img.get(3, 4, 1), 1e-6f);
    }

    private static float[] shapes(int n) {
        float[] s = new float[n];
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        for (int i = 0; i < n; i++) s[i] = (float) r.nextDouble(-1.5, 1.5);
        return s;
    }
}
