package kernelfield.render;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

import org.lwjgl.opengl.GL20;
import org.lwjgl.opengl.GL30;

import kernelfield.render.gl.Gl;

/**
 * A {@link Gl} without a GPU that records every call (method name and arguments): objects get
 * increasing ids, shaders compile and link, framebuffers are complete, reads return zeros.
 */
final class RecordingGl {
    /** One call. */
    record Call(String name, Object[] args) {
        int intArg(int i) {
            return ((Number) args[i]).intValue();
        }

        @Override
        public String toString() {
            return name + java.util.Arrays.deepToString(args);
        }
    }

    final List<Call> calls = new ArrayList<>();
    private int nextId = 1;
    final Gl gl = (Gl) Proxy.newProxyInstance(Gl.class.getClassLoader(), new Class<?>[] {Gl.class}, (p, m, a) -> {
        Object[] args = a == null ? new Object[0] : a.clone();
        calls.add(new Call(m.getName(), args));
        String n = m.getName();
        if (n.startsWith("create")) return nextId++;
        if (n.startsWith("check")) return GL30.GL_FRAMEBUFFER_COMPLETE;
        if (n.equals("getShaderi") || n.equals("getProgrami")) {
            int pname = ((Number) args[1]).intValue();
            return pname == GL20.GL_COMPILE_STATUS || pname == GL20.GL_LINK_STATUS ? 1 : 0;
        }
        if (n.equals("getUniformLocation")) return nextId++;
        if (m.getReturnType() == String.class) return "stub";
        if (m.getReturnType() == int.class) return 0;
        return null;
    });

    /** The calls named {@code name}, in order. */
    List<Call> named(String name) {
        return calls.stream().filter(c -> c.name().equals(name)).toList();
    }

    /** Index of the first call named {@code name} at or after {@code from}, or -1. */
    int indexOf(String name, int from) {
        for (int i = from; i < calls.size(); i++) if (calls.get(i).name().equals(name)) return i;
        return -1;
    }

    void clear() {
        calls.clear();
    }
}
