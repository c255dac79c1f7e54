package kernelfield.render.internal;

import org.lwjgl.opengl.GL15;

import kernelfield.engine.data.Camera;
import kernelfield.render.gl.Gl;

/** GL call sequences the passes share: static buffer uploads and uniforms from engine types. */
final class PassSupport {
    private PassSupport() {
    }

    /** A new buffer holding {@code data}, usage {@code STATIC_DRAW}. */
    static int staticBuffer(Gl gl, float[] data) {
        int b = gl.createBuffer();
        gl.namedBufferData(b, data, GL15.GL_STATIC_DRAW);
        return b;
    }

    /** A new buffer holding {@code data}, usage {@code STATIC_DRAW}. */
    static int staticBuffer(Gl gl, int[] data) {
        int b = gl.createBuffer();
        gl.namedBufferData(b, data, GL15.GL_STATIC_DRAW);
        return b;
    }

    /** Sets a {@code vec3} uniform of the bound program from doubles {@code (3)}, narrowed to float. */
    static void uniform3(Gl gl, int location, double[] v) {
        gl.uniform3f(location, (float) v[0], (float) v[1], (float) v[2]);
    }

    /** Sets a {@code vec3} uniform of the bound program from floats {@code (3)}. */
    static void uniform3(Gl gl, int location, float[] v) {
        gl.uniform3f(location, v[0], v[1], v[2]);
    }

    /** Sets a {@code vec4} uniform of the bound program to the intrinsics {@code (fx, fy, cx, cy)} of a camera. */
    static void intrinsics(Gl gl, int location, Camera cam) {
        gl.uniform4f(location, (float) cam.fx(), (float) cam.fy(), (float) cam.cx(), (float) cam.cy());
    }
}
