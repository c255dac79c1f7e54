package kernelfield.render.internal;

import org.lwjgl.opengl.GL43;

import kernelfield.render.gl.Gl;

/**
 * Sorts {@code n2} pairs {@code (key, value)} of uint32 in a storage buffer ascending by key then
 * value, on the GPU: a bitonic network whose steps within blocks of 1024 elements run in shared
 * memory (shader {@code sort_local.comp}) and whose longer-distance steps run over the whole
 * buffer ({@code sort_global.comp}). {@code n2} must be a power of two, at least 1024. For
 * {@code n2 = 2^m} that is {@code 1 + sum_{s=1}^{m-10} (s + 1)} dispatches. Allocates nothing per
 * call.
 */
public final class GpuSort {
    /** Elements per shared-memory block. */
    public static final int BLOCK = 1024;
    /** Storage binding of the key buffer in both shaders. */
    public static final int BINDING = 3;

    private final Gl gl;
    private final int local, global;
    private final int localK, globalK, globalJ;

    public GpuSort(Gl gl) {
        this.gl = gl;
        local = Shaders.compute(gl, "sort_local.comp");
        global = Shaders.compute(gl, "sort_global.comp");
        localK = gl.getUniformLocation(local, "uK");
        globalK = gl.getUniformLocation(global, "uK");
        globalJ = gl.getUniformLocation(global, "uJ");
    }

    /** The padded size for {@code n} elements: the next power of two, at least {@link #BLOCK}. */
    public static int paddedSize(int n) {
        if (n > (1 << 30)) throw new IllegalArgumentException(n + " elements exceed the sort's capacity");
        return Math.max(BLOCK, Integer.highestOneBit(Math.max(1, n - 1)) << 1);
    }

    /** Number of dispatches {@link #sort} makes for {@code n2} elements. */
    public static int dispatches(int n2) {
        int m = Integer.numberOfTrailingZeros(n2) - 10, d = 1;
        for (int s = 1; s <= m; s++) d += s + 1;
        return d;
    }

    /** Sorts the {@code n2} {@code uvec2} pairs of {@code buffer} in place. */
    public void sort(int buffer, int n2) {
        if (n2 < BLOCK || Integer.bitCount(n2) != 1) throw new IllegalArgumentException("sort size " + n2 + ": a power of two >= 1024");
        gl.bindBufferBase(GL43.GL_SHADER_STORAGE_BUFFER, BINDING, buffer);
        int blocks = n2 / BLOCK;
        gl.useProgram(local);
        gl.uniform1ui(localK, 0);
        gl.dispatchCompute(blocks, 1, 1);
        gl.memoryBarrier(GL43.GL_SHADER_STORAGE_BARRIER_BIT);
        for (int k = 2 * BLOCK; k <= n2 && k > 0; k <<= 1) {
            gl.useProgram(global);
            gl.uniform1ui(globalK, k);
            for (int j = k >> 1; j >= BLOCK; j >>= 1) {
                gl.uniform1ui(globalJ, j);
                gl.dispatchCompute(n2 / 2 / 256, 1, 1);
                gl.memoryBarrier(GL43.GL_SHADER_STORAGE_BARRIER_BIT);
            }
            gl.useProgram(local);
            gl.uniform1ui(localK, k);
            gl.dispatchCompute(blocks, 1, 1);
            gl.memoryBarrier(GL43.GL_SHADER_STORAGE_BARRIER_BIT);
        }
    }

    /** Frees the programs. */
    public void release() {
        gl.deleteProgram(local);
        gl.deleteProgram(global);
    }
}
