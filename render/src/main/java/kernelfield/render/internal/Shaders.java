package kernelfield.render.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.lwjgl.opengl.GL20;
import org.lwjgl.opengl.GL43;

import kernelfield.render.gl.Gl;

/** GLSL programs from the shaders packaged under {@code /shaders/glsl/} (repository folder shaders/glsl). */
public final class Shaders {
    private Shaders() {
    }

    /** The source of {@code /shaders/glsl/name}. Allocates the string. */
    public static String source(String name) {
        String path = "/shaders/glsl/" + name;
        try (InputStream in = Shaders.class.getResourceAsStream(path)) {
            if (in == null) throw new IllegalStateException("shader " + path + " is not on the classpath");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("shader " + path + ": " + e.getMessage(), e);
        }
    }

    /** A linked program of a vertex and a fragment shader. */
    public static int graphics(Gl gl, String vertex, String fragment) {
        return link(gl, vertex + " + " + fragment,
                compile(gl, GL20.GL_VERTEX_SHADER, vertex), compile(gl, GL20.GL_FRAGMENT_SHADER, fragment));
    }

    /** A linked compute program. */
    public static int compute(Gl gl, String name) {
        return link(gl, name, compile(gl, GL43.GL_COMPUTE_SHADER, name));
    }

    private static int compile(Gl gl, int type, String name) {
        int s = gl.createShader(type);
        gl.shaderSource(s, source(name));
        gl.compileShader(s);
        if (gl.getShaderi(s, GL20.GL_COMPILE_STATUS) == 0) {
            String log = gl.getShaderInfoLog(s);
            gl.deleteShader(s);
            throw new IllegalStateException("shader " + name + " does not compile: " + log);
        }
        return s;
    }

    private static int link(Gl gl, String what, int... shaders) {
        int p = gl.createProgram();
        for (int s : shaders) gl.attachShader(p, s);
        gl.linkProgram(p);
        for (int s : shaders) gl.deleteShader(s);
        if (gl.getProgrami(p, GL20.GL_LINK_STATUS) == 0) {
            String log = gl.getProgramInfoLog(p);
            gl.deleteProgram(p);
            throw new IllegalStateException("program " + what + " does not link: " + log);
        }
        return p;
    }
}
