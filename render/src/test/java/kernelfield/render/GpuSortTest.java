package kernelfield.render;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.lwjgl.opengl.GL15;

import kernelfield.render.gl.Gl;
import kernelfield.render.gl.GlContext;
import kernelfield.render.internal.GpuSort;

class GpuSortTest {
    @Test
    void sortsPairsByKeyThenValueLikeAnUnsignedSort() {
        try (GlContext ctx = GlTestSupport.headlessOrSkip()) {
            Gl gl = ctx.gl();
            GpuSort sort = new GpuSort(gl);
            SplittableRandom rnd = new SplittableRandom(5);
            for (int n2 : new int[] {1024, 2048, 1 << 15}) {
                int[] data = new int[2 * n2];
                for (int i = 0; i < n2; i++) {
                    // few distinct keys, so ties are decided by the value; full-range unsigned keys too
                    data[2 * i] = i % 3 == 0 ? rnd.nextInt(4) : rnd.nextInt();
                    data[2 * i + 1] = rnd.nextInt();
                }
                long[] expected = new long[n2];
                for (int i = 0; i < n2; i++) {
                    expected[i] = ((data[2 * i] & 0xFFFFFFFFL) << 32 | (data[2 * i + 1] & 0xFFFFFFFFL)) ^ Long.MIN_VALUE;
                }
                Arrays.sort(expected);
                int buf = gl.createBuffer();
                gl.namedBufferData(buf, data, GL15.GL_DYNAMIC_COPY);
                sort.sort(buf, n2);
                int[] out = new int[2 * n2];
                gl.getNamedBufferSubData(buf, 0L, out);
                gl.deleteBuffer(buf);
                long[] got = new long[n2];
                for (int i = 0; i < n2; i++) {
                    got[i] = ((out[2 * i] & 0xFFFFFFFFL) << 32 | (out[2 * i + 1] & 0xFFFFFFFFL)) ^ Long.MIN_VALUE;
                }
                assertArrayEquals(expected, got, "n2 = " + n2);
            }
            sort.release();
        }
    }
}
