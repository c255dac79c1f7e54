package kernelfield.render;

import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;

import kernelfield.engine.data.PointCloud;
import kernelfield.engine.data.TriangleMesh;
import kernelfield.engine.optim.ProgressListener;
import kernelfield.engine.optim.StepReport;
import kernelfield.fields.splat.GaussianSet;

/**
 * Shows a training run as it trains (the viewer's live mode): a {@link ProgressListener} that,
 * every {@code N} steps on the training thread, copies the parameters into a back buffer, and on
 * the render thread ({@link #apply()}, called before each frame; {@link Viewer} does it) hands
 * the newest copy to the drawable, which re-uploads it.
 *
 * <p>Thread safety: double buffering under one lock. The training thread writes only the back
 * buffer, under the lock ({@link #capture()}, between steps, so a copy is one consistent state);
 * {@link #apply()} swaps front and back and installs the front, under the same lock, and the
 * render thread reads only the front. The render thread never waits: when a copy is in progress
 * {@link #apply()} returns at once and shows the new state on a later frame. The drawable itself
 * is only touched by the render thread.
 *
 * <pre>{@code
 * SplatDrawable d = scene.addSplats(set);
 * LiveUpdate<SplatSnapshot> live = LiveUpdate.splats(d, set, 10);
 * Thread training = Thread.ofPlatform().start(() -> trainer.run(..., ProgressListener.composite(terminal, live)));
 * new Viewer(scene, List.of(), "training").addLive(live).run(1280, 720, null, 0);
 * }</pre>
 *
 * @param <T> the copied state (a {@link SplatSnapshot}, a mesh, ...)
 */
public final class LiveUpdate<T> implements ProgressListener {
    /** Copies the training state; runs on the training thread, under the lock. */
    @FunctionalInterface
    public interface Copier<T> {
        /**
         * Returns a copy of the current state: {@code reuse} overwritten (it is not shown while
         * this runs), or a new object; {@code reuse} is null on the first calls.
         */
        T copy(T reuse);
    }

    private final int every;
    private final Copier<T> copier;
    private final Consumer<T> install;
    private final ReentrantLock lock = new ReentrantLock();
    private T front, back;
    private boolean pending;
    private long captures, applied;

    /**
     * @param everySteps copy every this many steps ({@code >= 1}; also once at the end of the run)
     * @param copier     copies the state (training thread)
     * @param install    gives a copy to the drawable (render thread), e.g. {@code d::setSnapshot}
     */
    public LiveUpdate(int everySteps, Copier<T> copier, Consumer<T> install) {
        if (everySteps < 1) throw new IllegalArgumentException("everySteps " + everySteps + " < 1");
        this.every = everySteps;
        this.copier = Objects.requireNonNull(copier, "copier");
        this.install = Objects.requireNonNull(install, "install");
    }

    /**
     * A splat set under training: copies {@code training} (values only, packed for upload, with
     * the drawable's kernel at the time of this call) into two reused {@link SplatSnapshot}s.
     * Call it before the training thread starts: it gives the drawable a first copy now (so that
     * the renderer never reads the set itself).
     */
    public static LiveUpdate<SplatSnapshot> splats(SplatDrawable drawable, GaussianSet training, int everySteps) {
        Objects.requireNonNull(training, "training");
        var kernel = drawable.kernel();
        LiveUpdate<SplatSnapshot> live = new LiveUpdate<>(everySteps,
                reuse -> (reuse == null ? new SplatSnapshot() : reuse).copyFrom(training, kernel), drawable::setSnapshot);
        live.capture();
        live.apply();
        return live;
    }

    /** A mesh made from the training state by {@code snapshot} (must return new data, e.g. an extraction). */
    public static LiveUpdate<TriangleMesh> mesh(MeshDrawable drawable, Supplier<TriangleMesh> snapshot, int everySteps) {
        Objects.requireNonNull(snapshot, "snapshot");
        return new LiveUpdate<>(everySteps, reuse -> snapshot.get(), drawable::setMesh);
    }

    /** A point cloud made from the training state by {@code snapshot} (must return new data). */
    public static LiveUpdate<PointCloud> points(PointsDrawable drawable, Supplier<PointCloud> snapshot, int everySteps) {
        Objects.requireNonNull(snapshot, "snapshot");
        return new LiveUpdate<>(everySteps, reuse -> snapshot.get(), drawable::setCloud);
    }

    /** An implicit surface baked from the training state by {@code snapshot} (must return a new grid). */
    public static LiveUpdate<SdfBrickGrid> sdf(SdfDrawable drawable, Supplier<SdfBrickGrid> snapshot, int everySteps) {
        Objects.requireNonNull(snapshot, "snapshot");
        return new LiveUpdate<>(everySteps, reuse -> snapshot.get(), drawable::setGrid);
    }

    /** Copies the state after every {@code N}-th step (steps {@code N-1, 2N-1, ...}). */
    @Override
    public void onStep(StepReport report) {
        if ((report.step() + 1) % every == 0) capture();
    }

    /** Copies the final state. */
    @Override
    public void onFinish(kernelfield.engine.optim.TrainResult result) {
        capture();
    }

    /**
     * Copies the state now, into the back buffer (training thread, between steps). Blocks only
     * while the render thread swaps.
     */
    public void capture() {
        lock.lock();
        try {
            back = copier.copy(back);
            pending = true;
            captures++;
        } finally {
            lock.unlock();
        }
    }

    /**
     * On the render thread, before a frame: installs the newest copy when there is one not yet
     * shown and no copy is in progress. Never waits.
     *
     * @return whether the drawable changed
     */
    public boolean apply() {
        if (!lock.tryLock()) return false;
        try {
            if (!pending) return false;
            T t = front;
            front = back;
            back = t;
            pending = false;
            applied++;
            install.accept(front);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Copies made so far. */
    public long captures() {
        lock.lock();
        try {
            return captures;
        } finally {
            lock.unlock();
        }
    }

    /** Copies installed so far. */
    public long applied() {
        lock.lock();
        try {
            return applied;
        } finally {
            lock.unlock();
        }
    }
}
