package kernelfield.render.gl;

import org.lwjgl.opengl.GL11;
import org.lwjgl.opengl.GL15;
import org.lwjgl.opengl.GL20;
import org.lwjgl.opengl.GL30;
import org.lwjgl.opengl.GL40;
import org.lwjgl.opengl.GL42;
import org.lwjgl.opengl.GL43;
import org.lwjgl.opengl.GL45;

/**
 * {@link Gl} on the current LWJGL context. Stateless: every call goes to the context current on
 * the calling thread. Array arguments are passed to GL directly (no copies).
 */
public final class LwjglGl implements Gl {
    @Override public String getString(int name) { return GL11.glGetString(name); }
    @Override public int getInteger(int pname) { return GL11.glGetInteger(pname); }
    @Override public int getError() { return GL11.glGetError(); }

    @Override public int createBuffer() { return GL45.glCreateBuffers(); }
    @Override public void namedBufferData(int buffer, long size, int usage) { GL45.glNamedBufferData(buffer, size, usage); }
    @Override public void namedBufferData(int buffer, float[] data, int usage) { GL45.glNamedBufferData(buffer, data, usage); }
    @Override public void namedBufferData(int buffer, int[] data, int usage) { GL45.glNamedBufferData(buffer, data, usage); }
    @Override public void namedBufferSubData(int buffer, long offset, float[] data) { GL45.glNamedBufferSubData(buffer, offset, data); }
    @Override public void namedBufferSubData(int buffer, long offset, int[] data) { GL45.glNamedBufferSubData(buffer, offset, data); }
    @Override public void getNamedBufferSubData(int buffer, long offset, int[] out) { GL45.glGetNamedBufferSubData(buffer, offset, out); }
    @Override public void bindBuffer(int target, int buffer) { GL15.glBindBuffer(target, buffer); }
    @Override public void bindBufferBase(int target, int index, int buffer) { GL30.glBindBufferBase(target, index, buffer); }
    @Override public void deleteBuffer(int buffer) { GL15.glDeleteBuffers(buffer); }

    @Override public int createTexture(int target) { return GL45.glCreateTextures(target); }
    @Override public void textureStorage2D(int t, int levels, int fmt, int w, int h) { GL45.glTextureStorage2D(t, levels, fmt, w, h); }
    @Override public void textureStorage3D(int t, int levels, int fmt, int w, int h, int d) { GL45.glTextureStorage3D(t, levels, fmt, w, h, d); }
    @Override public void textureSubImage3D(int t, int level, int x, int y, int z, int w, int h, int d, int format, int type, float[] data) {
        GL11.glPixelStorei(GL11.GL_UNPACK_ALIGNMENT, 1);
        GL45.glTextureSubImage3D(t, level, x, y, z, w, h, d, format, type, data);
    }
    @Override public void textureParameteri(int t, int pname, int param) { GL45.glTextureParameteri(t, pname, param); }
    @Override public void bindTextureUnit(int unit, int t) { GL45.glBindTextureUnit(unit, t); }
    @Override public void deleteTexture(int texture) { GL11.glDeleteTextures(texture); }
    @Override public int createRenderbuffer() { return GL45.glCreateRenderbuffers(); }
    @Override public void namedRenderbufferStorage(int rb, int fmt, int w, int h) { GL45.glNamedRenderbufferStorage(rb, fmt, w, h); }
    @Override public void deleteRenderbuffer(int rb) { GL30.glDeleteRenderbuffers(rb); }
    @Override public int createFramebuffer() { return GL45.glCreateFramebuffers(); }
    @Override public void namedFramebufferTexture(int fb, int att, int tex, int level) { GL45.glNamedFramebufferTexture(fb, att, tex, level); }
    @Override public void namedFramebufferRenderbuffer(int fb, int att, int rb) { GL45.glNamedFramebufferRenderbuffer(fb, att, GL30.GL_RENDERBUFFER, rb); }
    @Override public int checkNamedFramebufferStatus(int fb, int target) { return GL45.glCheckNamedFramebufferStatus(fb, target); }
    @Override public void bindFramebuffer(int target, int fb) { GL30.glBindFramebuffer(target, fb); }
    @Override public void deleteFramebuffer(int fb) { GL30.glDeleteFramebuffers(fb); }
    @Override public void blitNamedFramebuffer(int read, int draw, int sx0, int sy0, int sx1, int sy1,
                                               int dx0, int dy0, int dx1, int dy1, int mask, int filter) {
        GL45.glBlitNamedFramebuffer(read, draw, sx0, sy0, sx1, sy1, dx0, dy0, dx1, dy1, mask, filter);
    }
    @Override public void readPixels(int x, int y, int w, int h, int format, int type, float[] out) {
        GL11.glPixelStorei(GL11.GL_PACK_ALIGNMENT, 1);
        GL11.glReadPixels(x, y, w, h, format, type, out);
    }

    @Override public int createVertexArray() { return GL45.glCreateVertexArrays(); }
    @Override public void vertexArrayElementBuffer(int vao, int buffer) { GL45.glVertexArrayElementBuffer(vao, buffer); }
    @Override public void bindVertexArray(int vao) { GL30.glBindVertexArray(vao); }
    @Override public void deleteVertexArray(int vao) { GL30.glDeleteVertexArrays(vao); }

    @Override public int createShader(int type) { return GL20.glCreateShader(type); }
    @Override public void shaderSource(int shader, String source) { GL20.glShaderSource(shader, source); }
    @Override public void compileShader(int shader) { GL20.glCompileShader(shader); }
    @Override public int getShaderi(int shader, int pname) { return GL20.glGetShaderi(shader, pname); }
    @Override public String getShaderInfoLog(int shader) { return GL20.glGetShaderInfoLog(shader); }
    @Override public void deleteShader(int shader) { GL20.glDeleteShader(shader); }
    @Override public int createProgram() { return GL20.glCreateProgram(); }
    @Override public void attachShader(int program, int shader) { GL20.glAttachShader(program, shader); }
    @Override public void linkProgram(int program) { GL20.glLinkProgram(program); }
    @Override public int getProgrami(int program, int pname) { return GL20.glGetProgrami(program, pname); }
    @Override public String getProgramInfoLog(int program) { return GL20.glGetProgramInfoLog(program); }
    @Override public void useProgram(int program) { GL20.glUseProgram(program); }
    @Override public void deleteProgram(int program) { GL20.glDeleteProgram(program); }
    @Override public int getUniformLocation(int program, String name) { return GL20.glGetUniformLocation(program, name); }
    @Override public void uniform1i(int loc, int v) { GL20.glUniform1i(loc, v); }
    @Override public void uniform1ui(int loc, int v) { GL30.glUniform1ui(loc, v); }
    @Override public void uniform1f(int loc, float v) { GL20.glUniform1f(loc, v); }
    @Override public void uniform2f(int loc, float a, float b) { GL20.glUniform2f(loc, a, b); }
    @Override public void uniform3f(int loc, float a, float b, float c) { GL20.glUniform3f(loc, a, b, c); }
    @Override public void uniform3i(int loc, int a, int b, int c) { GL20.glUniform3i(loc, a, b, c); }
    @Override public void uniform4f(int loc, float a, float b, float c, float d) { GL20.glUniform4f(loc, a, b, c, d); }
    @Override public void uniformMatrix4fv(int loc, float[] m) { GL20.glUniformMatrix4fv(loc, false, m); }
    @Override public void uniformMatrix3fv(int loc, float[] m) { GL20.glUniformMatrix3fv(loc, false, m); }

    @Override public void enable(int cap) { GL11.glEnable(cap); }
    @Override public void disable(int cap) { GL11.glDisable(cap); }
    @Override public void depthFunc(int func) { GL11.glDepthFunc(func); }
    @Override public void depthMask(boolean write) { GL11.glDepthMask(write); }
    @Override public void blendFunc(int src, int dst) { GL11.glBlendFunc(src, dst); }
    @Override public void polygonMode(int face, int mode) { GL11.glPolygonMode(face, mode); }
    @Override public void polygonOffset(float factor, float units) { GL11.glPolygonOffset(factor, units); }
    @Override public void viewport(int x, int y, int w, int h) { GL11.glViewport(x, y, w, h); }
    @Override public void clearColor(float r, float g, float b, float a) { GL11.glClearColor(r, g, b, a); }
    @Override public void clearDepth(double d) { GL11.glClearDepth(d); }
    @Override public void clear(int mask) { GL11.glClear(mask); }
    @Override public void scissor(int x, int y, int width, int height) { GL11.glScissor(x, y, width, height); }

    @Override public void drawArrays(int mode, int first, int count) { GL11.glDrawArrays(mode, first, count); }
    @Override public void drawElements(int mode, int count, int type, long offset) { GL11.glDrawElements(mode, count, type, offset); }
    @Override public void drawArraysIndirect(int mode, long offset) { GL40.glDrawArraysIndirect(mode, offset); }
    @Override public void dispatchCompute(int x, int y, int z) { GL43.glDispatchCompute(x, y, z); }
    @Override public void memoryBarrier(int barriers) { GL42.glMemoryBarrier(barriers); }
    @Override public void finish() { GL11.glFinish(); }
}
