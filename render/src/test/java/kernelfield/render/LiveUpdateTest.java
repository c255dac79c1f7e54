package kernelfield.render;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import kernelfield.engine.data.Camera;
import kernelfield.engine.optim.StepReport;
import kernelfield.fields.splat.GaussianSet;
import kernelfield.render.gl.GlContext;
import kernelfield.render.internal.SplatPass;

/** The viewer's live mode: a toy training on one thread, the renderer on another. */
class LiveUpdateTest {
    private static StepReport step(long k, long max) {
        return new StepReport(k, max, 0, 0, Map.of());
    }

    /**
     * Toy training: step k sets every mean's x to k, splat by splat (a reader that raced the
     * writer would see two values). The render thread (a recording stub) checks every uploaded
     * Gaussian buffer: one value throughout, never going back, the last one the final step.
     */
    @Test
    void trainingAndRenderingThreadsSeeWholeSteps() throws Exception {
        int n = 20000, steps = 300, every = 3, handshake = 150;
        GaussianSet set = new GaussianSet(n, false);
        float[] logScale = set.logScales().value();
        java.util.Arrays.fill(logScale, -3f);
        Scene scene = new Scene();
        SplatDrawable d = scene.addSplats(set);
        LiveUpdate<SplatSnapshot> live = LiveUpdate.splats(d, set, every);
        CountDownLatch shown = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread training = new Thread(() -> {
            try {
                for (int k = 0; k < steps; k++) {
                    float[] m = set.means().value();
                    for (int i = 0; i < n; i++) m[3 * i] = k;
                    live.onStep(step(k, steps));
                    // wait until the render thread has shown a mid-run state (so the test does not depend on timing)
                    if (k == handshake && !shown.await(30, TimeUnit.SECONDS)) throw new AssertionError("render thread showed nothing");
                }
                live.onFinish(null);
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "toy-training");
        RecordingGl rec = new RecordingGl();
        Camera cam = TestScenes.camera(64, 48);
        float last = -1;
        int changes = 0;
        try (Renderer r = new Renderer(rec.gl)) {
            r.render(scene, cam); // the initial copy
            training.start();
            while (true) {
                boolean done = !training.isAlive();
                boolean changed = live.apply();
                rec.clear();
                r.render(scene, cam);
                if (changed) {
                    changes++;
                    float[] up = null;
                    for (RecordingGl.Call c : rec.named("namedBufferData")) {
                        if (c.args()[1] instanceof float[] f && f.length == n * SplatPass.STRIDE) up = f;
                    }
                    assertTrue(up != null, "a changed drawable is uploaded");
                    float x = up[0];
                    for (int i = 0; i < n; i++) assertEquals(x, up[SplatPass.STRIDE * i], "splat " + i + " of an upload");
                    assertTrue(x >= last, "went back from step " + last + " to " + x);
                    assertEquals(every - 1, Math.round(x) % every, "copies are taken every " + every + " steps");
                    last = x;
                    if (x >= handshake - every) shown.countDown();
                } else {
                    assertTrue(rec.named("namedBufferData").stream().noneMatch(c -> c.args()[1] instanceof float[]),
                            "no upload without a new copy");
                }
                if (done) break;
            }
            training.join();
        }
        if (failure.get() != null) throw new AssertionError(failure.get());
        assertFalse(live.apply(), "everything shown");
        assertEquals(steps - 1, last, "the final state is shown");
        assertTrue(changes >= 2, "shown while training and at the end: " + changes);
        assertEquals(1 + steps / every + 1, live.captures(), "the first copy, one every " + every + " steps, the last");
        assertEquals(1 + changes, live.applied());
        assertEquals(set.size(), d.snapshot().size());
    }

    /**
     * Headless GL: a toy training fades splats in; after the run the live drawable draws exactly
     * what a fresh drawable of the final set draws, and an early copy drew something else.
     */
    @Test
    void liveDrawableEndsOnTheFinalState() {
        GlContext ctx = GlTestSupport.headlessOrSkip();
        try (ctx; Renderer r = new Renderer(ctx.gl())) {
            GaussianSet set = TestScenes.splats(2000, 1, 31);
            float[] op = set.opacityLogits().value(), dc = set.shDc().value();
            java.util.Arrays.fill(op, -6f);
            Scene scene = new Scene().setBackground(0.1f, 0.1f, 0.1f);
            SplatDrawable d = scene.addSplats(set);
            LiveUpdate<SplatSnapshot> live = LiveUpdate.splats(d, set, 4);
            Camera cam = TestScenes.camera(96, 72);
            float[] early = null;
            for (int k = 0; k < 20; k++) {
                for (int i = 0; i < op.length; i++) op[i] += 0.5f;
                for (int i = 0; i < dc.length; i++) dc[i] *= 0.97f;
                live.onStep(step(k, 20));
                if (live.apply() && early == null) {
                    r.render(scene, cam);
                    early = r.readRgb().data();
                }
            }
            live.onFinish(null);
            assertTrue(live.apply());
            r.render(scene, cam);
            float[] shown = r.readRgb().data();
            Scene direct = new Scene().setBackground(0.1f, 0.1f, 0.1f);
            direct.addSplats(set);
            r.render(direct, cam);
            float[] expected = r.readRgb().data();
            assertArrayEquals(expected, shown, 1e-6f);
            double diff = 0;
            for (int i = 0; i < shown.length; i++) diff += Math.abs(shown[i] - early[i]);
            assertTrue(diff / shown.length > 0.01, "the early copy looked different: " + diff / shown.length);
        }
    }
}
