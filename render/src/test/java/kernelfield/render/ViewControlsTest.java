package kernelfield.render;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import kernelfield.engine.data.Bounds;
import kernelfield.engine.data.Camera;

class ViewControlsTest {
    final Bounds box = new Bounds(-1, -1, -1, 1, 1, 1);

    @Test
    void initialViewLooksAtTheCentreWithTheBoxInFront() {
        ViewControls c = new ViewControls(box);
        Camera cam = c.camera(200, 100);
        double[] out = new double[3];
        assertTrue(cam.project(0, 0, 0, out));
        assertEquals(100, out[0], 1e-9);
        assertEquals(50, out[1], 1e-9);
        // +y is up in the image: a point above the centre projects higher (smaller v)
        assertTrue(cam.project(0, 0.5, 0, out));
        assertTrue(out[1] < 50);
        for (int k = 0; k < 8; k++) {
            assertTrue(cam.project((k & 1) * 2 - 1, (k & 2) - 1, (k & 4) / 2.0 - 1, out));
            assertTrue(out[1] >= 0 && out[1] <= 100, "corner in view");
        }
    }

    @Test
    void orbitKeepsTheDistanceFlyMovesTheTargetAndResetRestores() {
        ViewControls c = new ViewControls(box);
        double[] e0 = c.eye();
        c.orbit(0.7, 0.3);
        double[] e1 = c.eye();
        assertEquals(norm(e0), norm(e1), 1e-9);
        c.orbit(0, 10); // clamped below the pole
        assertTrue(Math.abs(c.eye()[1]) < norm(e0));
        c.reset();
        assertArrayEquals(e0, c.eye(), 1e-12);
        c.fly(1, 0, 0, 0.1);
        double[] e2 = c.eye();
        assertTrue(norm(e2) < norm(e0), "flying forward comes closer to the centre");
        c.fly(0, 0, 1, 0.1);
        assertEquals(e2[1] + 0.1 * box.diagonal(), c.eye()[1], 1e-9);
    }

    @Test
    void jumpingToADatasetCameraShowsItAndOrbitingLeavesItSmoothly() {
        ViewControls c = new ViewControls(box);
        Camera ds = Cameras.lookAt("v0", 64, 48, 50, new double[] {3, 1, 2}, new double[] {0, 0, 0}, new double[] {0, 1, 0});
        c.jumpTo(ds);
        assertTrue(c.isFixed());
        Camera shown = c.camera(128, 96);
        assertArrayEquals(ds.center(), shown.center(), 1e-12);
        assertEquals(ds.fx() * 2, shown.fx(), 1e-9);
        c.orbit(0, 0);
        assertFalse(c.isFixed());
        assertArrayEquals(ds.center(), c.eye(), 1e-9);
    }

    static double norm(double[] v) {
        return Math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
    }
}
