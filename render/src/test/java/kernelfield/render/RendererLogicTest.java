package kernelfield.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.lwjgl.opengl.GL11;

import kernelfield.engine.data.Camera;
import kernelfield.render.internal.GpuSort;

/** The renderer's logic on a recording stub: no GPU needed. */
class RendererLogicTest {
    private static Camera moved(Camera c, double dx) {
        double[] t = c.translation();
        t[0] += dx;
        return Camera.pinhole("m", c.width(), c.height(), c.fx(), c.fy(), c.cx(), c.cy(), c.rotation(), t);
    }

    @Test
    void splatsUploadOnceAndProjectOnlyWhenTheViewOrDataChanges() {
        RecordingGl rec = new RecordingGl();
        try (Renderer r = new Renderer(rec.gl)) {
            Scene s = new Scene();
            SplatDrawable d = s.addSplats(TestScenes.splats(3000, 1, 1));
            Camera cam = TestScenes.camera(64, 48);
            r.render(s, cam);
            r.render(s, cam);
            assertEquals(1, r.splatCounters()[0], "uploads");
            assertEquals(1, r.splatCounters()[1], "projections: the second frame reuses the sort");
            r.render(s, moved(cam, 0.01));
            assertEquals(2, r.splatCounters()[1]);
            d.markChanged();
            r.render(s, moved(cam, 0.01));
            assertEquals(2, r.splatCounters()[0], "a changed set is uploaded again");
            assertEquals(3, r.splatCounters()[1]);
            assertEquals(4, rec.named("drawArraysIndirect").size(), "one indirect draw per frame");
        }
    }

    @Test
    void sortDispatchesMatchTheBitonicPlan() {
        RecordingGl rec = new RecordingGl();
        try (Renderer r = new Renderer(rec.gl)) {
            Scene s = new Scene();
            s.addSplats(TestScenes.splats(5000, 0, 2)); // padded to 8192
            rec.clear();
            r.render(s, TestScenes.camera(32, 32));
            int n2 = GpuSort.paddedSize(5000);
            assertEquals(8192, n2);
            // projection + sort
            assertEquals(1 + GpuSort.dispatches(n2), rec.named("dispatchCompute").size());
            assertEquals(1 + 2 + 3 + 4, GpuSort.dispatches(8192));
            assertEquals(n2 / 256, rec.named("dispatchCompute").get(0).intArg(0), "one projection thread per padded key");
        }
    }

    @Test
    void opaqueGeometryIsDrawnBeforeBlendedSplatsWithDepthWritesOff() {
        RecordingGl rec = new RecordingGl();
        try (Renderer r = new Renderer(rec.gl)) {
            Scene s = new Scene();
            s.addSplats(TestScenes.splats(100, 0, 3)); // added first, still drawn last
            s.addMesh(TestScenes.sphere(0.5, 4, 6, false));
            s.addPoints(TestScenes.points(50));
            rec.clear();
            r.render(s, TestScenes.camera(32, 32));
            int clear = rec.indexOf("clear", 0);
            int mesh = rec.indexOf("drawElements", 0), pts = rec.indexOf("drawArrays", 0);
            int splat = rec.indexOf("drawArraysIndirect", 0);
            assertTrue(clear < mesh && mesh < splat && pts < splat, rec.calls.toString());
            // between the opaque draws and the splat draw: depth writes off, blending on, premultiplied
            List<RecordingGl.Call> between = rec.calls.subList(Math.max(mesh, pts), splat);
            assertTrue(between.stream().anyMatch(c -> c.name().equals("depthMask") && Boolean.FALSE.equals(c.args()[0])));
            assertTrue(between.stream().anyMatch(c -> c.name().equals("enable") && c.intArg(0) == GL11.GL_BLEND));
            assertTrue(between.stream().anyMatch(c -> c.name().equals("blendFunc") && c.intArg(0) == GL11.GL_ONE
                    && c.intArg(1) == GL11.GL_ONE_MINUS_SRC_ALPHA));
            // the mesh is drawn with depth writes on
            List<RecordingGl.Call> before = rec.calls.subList(0, mesh);
            RecordingGl.Call lastMask = before.stream().filter(c -> c.name().equals("depthMask")).reduce((a, b) -> b).orElseThrow();
            assertEquals(Boolean.TRUE, lastMask.args()[0]);
        }
    }

    @Test
    void wireframeDrawsLinesOverOffsetFacesAndRestoresFill() {
        RecordingGl rec = new RecordingGl();
        try (Renderer r = new Renderer(rec.gl)) {
            Scene s = new Scene();
            s.addMesh(TestScenes.sphere(0.5, 4, 6, false)).setWireframe(true);
            rec.clear();
            r.render(s, TestScenes.camera(32, 32));
            assertEquals(2, rec.named("drawElements").size());
            List<RecordingGl.Call> modes = rec.named("polygonMode");
            assertEquals(GL11.GL_LINE, modes.get(0).intArg(1));
            assertEquals(GL11.GL_FILL, modes.get(modes.size() - 1).intArg(1));
            assertTrue(rec.indexOf("polygonOffset", 0) < rec.indexOf("drawElements", 0));
        }
    }

    @Test
    void removedDrawablesAreFreedAndTheFramebufferFollowsTheCameraSize() {
        RecordingGl rec = new RecordingGl();
        try (Renderer r = new Renderer(rec.gl)) {
            Scene s = new Scene();
            MeshDrawable m = s.addMesh(TestScenes.sphere(0.5, 4, 6, true));
            r.render(s, TestScenes.camera(32, 32));
            r.render(s, TestScenes.camera(32, 32));
            assertEquals(1, rec.named("createFramebuffer").size());
            int buffers = rec.named("createBuffer").size();
            r.render(s, TestScenes.camera(40, 30));
            assertEquals(2, rec.named("createFramebuffer").size());
            assertEquals(1, rec.named("deleteFramebuffer").size());
            assertEquals(buffers, rec.named("createBuffer").size(), "no re-upload for a new size");
            s.remove(m);
            int deletedBefore = rec.named("deleteBuffer").size();
            r.render(s, TestScenes.camera(40, 30));
            assertEquals(deletedBefore + 4, rec.named("deleteBuffer").size(), "positions, normals, colours, indices freed");
            assertFalse(rec.named("viewport").isEmpty());
        }
    }

    @Test
    void aStillSplatFrameIsOneIndirectDrawAndAFewStateCalls() {
        RecordingGl rec = new RecordingGl();
        try (Renderer r = new Renderer(rec.gl)) {
            Scene s = new Scene();
            s.addSplats(TestScenes.splats(2000, 2, 4));
            Camera cam = TestScenes.camera(64, 48);
            r.render(s, cam);
            rec.clear();
            r.render(s, cam);
            System.err.println("GL calls of a still splat frame: " + rec.calls.size());
            assertEquals(1, rec.named("drawArraysIndirect").size());
            assertTrue(rec.named("dispatchCompute").isEmpty(), "no projection or sort");
            assertTrue(rec.named("namedBufferData").isEmpty() && rec.named("namedBufferSubData").isEmpty(), "no upload");
            assertTrue(rec.calls.size() <= 32, rec.calls.size() + " calls: " + rec.calls);
        }
    }

    @Test
    void sdfDrawableUploadsItsGridOnceAndDrawsOneTriangle() {
        RecordingGl rec = new RecordingGl();
        try (Renderer r = new Renderer(rec.gl)) {
            Scene s = new Scene();
            SdfDrawable d = s.addSdf(SdfBrickGrid.bake(new SdfBrickGridTest.SphereSdf(0, 0, 0, 1), SdfBrickGridTest.CUBE, 32));
            Camera cam = TestScenes.camera(64, 48);
            r.render(s, cam);
            r.render(s, moved(cam, 0.1));
            assertEquals(1, rec.named("textureStorage3D").size(), "the atlas is uploaded once");
            int[] slots = d.grid().atlasSlots();
            RecordingGl.Call st = rec.named("textureStorage3D").get(0);
            assertEquals(8 * slots[0], st.intArg(3));
            assertEquals(8 * slots[2], st.intArg(5));
            List<RecordingGl.Call> draws = rec.named("drawArrays");
            assertEquals(2, draws.size());
            assertEquals(3, draws.get(0).intArg(2), "one viewport-covering triangle");
            d.markChanged();
            r.render(s, cam);
            assertEquals(2, rec.named("textureStorage3D").size(), "a changed grid is uploaded again");
            assertEquals(1, rec.named("deleteTexture").size(), "and the old atlas freed");
            s.remove(d);
            r.render(s, cam);
            assertEquals(2, rec.named("deleteTexture").size(), "a removed drawable is freed");
        }
    }

    @Test
    void paddedSizesArePowersOfTwoOfAtLeastOneBlock() {
        assertEquals(1024, GpuSort.paddedSize(0));
        assertEquals(1024, GpuSort.paddedSize(1024));
        assertEquals(2048, GpuSort.paddedSize(1025));
        assertEquals(1 << 20, GpuSort.paddedSize(1_000_000));
        assertEquals(1, GpuSort.dispatches(1024));
    }

    @Test
    void frameTimeOverlayIsABarScaledByTheFrameTime() {
        RecordingGl rec = new RecordingGl();
        try (Renderer r = new Renderer(rec.gl)) {
            for (double ms : new double[] {10, 25, 80, 500}) {
                rec.clear();
                r.drawFrameTimeOverlay(640, 480, ms);
                var bar = rec.named("scissor").get(1);
                assertEquals((int) Math.round(Math.min(ms, 100) * 3), bar.intArg(2), "bar length for " + ms + " ms");
                var colour = rec.named("clearColor").get(1);
                float red = ((Number) colour.args()[0]).floatValue(), green = ((Number) colour.args()[1]).floatValue();
                if (ms <= 1000 / 60.0) assertTrue(green > 0.5f && red < 0.5f, "green under 16.7 ms");
                else if (ms > 1000 / 30.0) assertTrue(red > 0.5f && green < 0.5f, "red over 33.3 ms");
                else assertTrue(red > 0.5f && green > 0.5f, "yellow in between");
                assertEquals(rec.named("enable").size(), rec.named("disable").size(), "scissor test restored");
            }
        }
    }
}
