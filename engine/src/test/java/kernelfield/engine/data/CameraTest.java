package kernelfield.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CameraTest {
    @Test
    void openGlPoseLooksDownMinusZ() {
        // A Blender camera at (0, 0, 4) looking at the origin: identity rotation, c2w translation z=4.
        double[] c2w = {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 4, 0, 0, 0, 1};
        Camera cam = Camera.fromOpenGlCameraToWorld("c", 100, 80, 50, 50, 50, 40, c2w);
        assertArrayEquals(new double[] {0, 0, 4}, cam.center(), 1e-12);
        double[] p = new double[3];
        assertTrue(cam.project(0, 0, 0, p));
        assertEquals(50, p[0], 1e-12);
        assertEquals(40, p[1], 1e-12);
        assertEquals(4, p[2], 1e-12);
        // World +y is up in the image: it projects above the centre (smaller v).
        assertTrue(cam.project(0, 1, 0, p));
        assertTrue(p[1] < 40);
        // World +x is right.
        assertTrue(cam.project(1, 0, 0, p));
        assertTrue(p[0] > 50);
    }

    @Test
    void vectorApiIsThere() {
        assertTrue(jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length() >= 4);
    }
}
