package kernelfield.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import kernelfield.engine.data.Camera;
import kernelfield.render.SdfBrickGridTest.SphereSdf;

/**
 * Sphere tracing of baked distance fields on headless GL against the rasterized mesh of the same
 * shape: silhouette, shading (normals) and depth order.
 */
class SdfRenderTest extends GlRendererTest {

    private static float[] rgba(Scene s, Camera cam) {
        renderer.render(s, cam);
        float[] out = new float[4 * cam.width() * cam.height()];
        renderer.readRgba(out);
        return out;
    }

    @Test
    void sphereTracedSphereMatchesItsMesh() {
        Camera cam = TestScenes.camera(160, 120);
        Scene traced = new Scene();
        traced.addSdf(SdfBrickGrid.bake(new SphereSdf(0, 0, 0, 1), SdfBrickGridTest.CUBE, 128)).setColor(0.8f, 0.7f, 0.6f);
        Scene meshed = new Scene();
        meshed.addMesh(TestScenes.sphere(1, 96, 192, false)).setColor(0.8f, 0.7f, 0.6f);
        float[] a = rgba(traced, cam), b = rgba(meshed, cam);
        int inA = 0, inB = 0, differ = 0, both = 0;
        double colourDiff = 0;
        for (int p = 0; p < a.length / 4; p++) {
            boolean ca = a[4 * p + 3] > 0.5f, cb = b[4 * p + 3] > 0.5f;
            if (ca) inA++;
            if (cb) inB++;
            if (ca != cb) differ++;
            if (ca && cb) {
                both++;
                for (int c = 0; c < 3; c++) colourDiff += Math.abs(a[4 * p + c] - b[4 * p + c]);
            }
        }
        double meanDiff = colourDiff / (3.0 * Math.max(1, both));
        System.err.printf("sdf sphere: %d px traced, %d px meshed, %d differ; mean colour difference %.5f%n", inA, inB, differ,
                meanDiff);
        assertTrue(inB > 3000, "the sphere covers the view: " + inB);
        assertTrue(differ <= 0.004 * inB, differ + " silhouette pixels differ");
        assertTrue(meanDiff < 0.003, "shading differs by " + meanDiff);
    }

    /** Nearest hit distance of the ray {@code o + t d} on a sphere, or +inf. */
    private static double hit(double[] o, double[] d, double cx, double cy, double cz, double r) {
        double ox = o[0] - cx, oy = o[1] - cy, oz = o[2] - cz;
        double b = ox * d[0] + oy * d[1] + oz * d[2], c = ox * ox + oy * oy + oz * oz - r * r, disc = b * b - c;
        if (disc < 0) return Double.POSITIVE_INFINITY;
        double t = -b - Math.sqrt(disc);
        return t > 0 ? t : Double.POSITIVE_INFINITY;
    }

    @Test
    void depthOrderWithAMesh() {
        Camera cam = TestScenes.camera(160, 120);
        Scene s = new Scene();
        s.addSdf(SdfBrickGrid.bake(new SphereSdf(0, 0, 0, 1), SdfBrickGridTest.CUBE, 96)).setColor(0.1f, 0.2f, 1f);
        kernelfield.engine.data.TriangleMesh m = TestScenes.sphere(0.8, 48, 96, false);
        float[] v = m.vertices();
        for (int i = 0; i < v.length; i += 3) {
            v[i] += 0.7f;
            v[i + 1] += 0.2f;
        }
        s.addMesh(m).setColor(1f, 0.2f, 0.1f);
        float[] img = rgba(s, cam);
        double[] eye = cam.center(), r = cam.rotation();
        int covered = 0, wrong = 0, meshWins = 0, sdfWins = 0;
        for (int j = 0; j < cam.height(); j++) {
            for (int i = 0; i < cam.width(); i++) {
                double x = (i + 0.5 - cam.cx()) / cam.fx(), y = (j + 0.5 - cam.cy()) / cam.fy();
                double[] d = {r[0] * x + r[3] * y + r[6], r[1] * x + r[4] * y + r[7], r[2] * x + r[5] * y + r[8]};
                double n = Math.sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
                for (int k = 0; k < 3; k++) d[k] /= n;
                double tSdf = hit(eye, d, 0, 0, 0, 1), tMesh = hit(eye, d, 0.7, 0.2, 0, 0.8);
                if (Double.isInfinite(Math.min(tSdf, tMesh))) continue;
                // skip pixels where the two surfaces are within 2 % of each other (the intersection curve) or near a rim
                if (Math.abs(tSdf - tMesh) < 0.02 * Math.min(tSdf, tMesh)) continue;
                int p = 4 * (j * cam.width() + i);
                if (img[p + 3] < 0.5f) continue; // rim pixel
                covered++;
                boolean meshSeen = img[p] > img[p + 2];
                if (tMesh < tSdf) meshWins++;
                else sdfWins++;
                if (meshSeen != (tMesh < tSdf)) wrong++;
            }
        }
        System.err.printf("sdf/mesh depth order: %d px checked (%d mesh, %d sdf in front), %d wrong%n", covered, meshWins,
                sdfWins, wrong);
        assertTrue(meshWins > 500 && sdfWins > 500, "both in front somewhere");
        assertTrue(wrong <= 0.003 * covered, wrong + " pixels in the wrong depth order");
    }

    @Test
    void emptyGridDrawsNothingAndUploadsOnce() {
        Camera cam = TestScenes.camera(64, 48);
        Scene s = new Scene().setBackground(0.3f, 0.3f, 0.3f);
        // a sphere outside the baked domain: no surface brick
        SdfDrawable d = s.addSdf(SdfBrickGrid.bake(new SphereSdf(10, 0, 0, 1), SdfBrickGridTest.CUBE, 32));
        assertEquals(0, d.grid().surfaceBricks());
        float[] img = rgba(s, cam);
        for (int p = 0; p < img.length / 4; p++) assertEquals(0f, img[4 * p + 3], "pixel " + p);
    }
}
