package kernelfield.render.gl;

/**
 * The OpenGL 4.5 calls the renderer makes, one method per GL function (named as in GL without
 * the {@code gl} prefix; direct-state-access variants where GL 4.5 has them). The renderer only
 * talks to this interface, so its logic runs against a recording stub in tests and against
 * {@link LwjglGl} on a real context. Arrays passed in are read during the call and not kept;
 * arrays passed for results are filled. Matrices are column-major {@code (16)}.
 */
public interface Gl {
    // ---- queries
    String getString(int name);

    int getInteger(int pname);

    int getError();

    // ---- buffers
    int createBuffer();

    /** Allocates {@code size} bytes of undefined content. */
    void namedBufferData(int buffer, long size, int usage);

    void namedBufferData(int buffer, float[] data, int usage);

    void namedBufferData(int buffer, int[] data, int usage);

    void namedBufferSubData(int buffer, long offset, float[] data);

    void namedBufferSubData(int buffer, long offset, int[] data);

    /** Reads {@code out.length} ints from {@code offset}. */
    void getNamedBufferSubData(int buffer, long offset, int[] out);

    void bindBuffer(int target, int buffer);

    void bindBufferBase(int target, int index, int buffer);

    void deleteBuffer(int buffer);

    // ---- textures, renderbuffers, framebuffers
    int createTexture(int target);

    void textureStorage2D(int texture, int levels, int internalFormat, int width, int height);

    void textureStorage3D(int texture, int levels, int internalFormat, int width, int height, int depth);

    /** Uploads {@code data} ({@code depth, height, width} texels, x fastest) into a region of level {@code level}. */
    void textureSubImage3D(int texture, int level, int x, int y, int z, int width, int height, int depth, int format,
                           int type, float[] data);

    void textureParameteri(int texture, int pname, int param);

    void bindTextureUnit(int unit, int texture);

    void deleteTexture(int texture);

    int createRenderbuffer();

    void namedRenderbufferStorage(int renderbuffer, int internalFormat, int width, int height);

    void deleteRenderbuffer(int renderbuffer);

    int createFramebuffer();

    void namedFramebufferTexture(int framebuffer, int attachment, int texture, int level);

    void namedFramebufferRenderbuffer(int framebuffer, int attachment, int renderbuffer);

    int checkNamedFramebufferStatus(int framebuffer, int target);

    void bindFramebuffer(int target, int framebuffer);

    void deleteFramebuffer(int framebuffer);

    void blitNamedFramebuffer(int read, int draw, int srcX0, int srcY0, int srcX1, int srcY1,
                              int dstX0, int dstY0, int dstX1, int dstY1, int mask, int filter);

    /** Reads pixels of the bound read framebuffer into {@code out} (rows from y upwards). */
    void readPixels(int x, int y, int width, int height, int format, int type, float[] out);

    // ---- vertex arrays
    int createVertexArray();

    void vertexArrayElementBuffer(int vao, int buffer);

    void bindVertexArray(int vao);

    void deleteVertexArray(int vao);

    // ---- shaders and programs
    int createShader(int type);

    void shaderSource(int shader, String source);

    void compileShader(int shader);

    int getShaderi(int shader, int pname);

    String getShaderInfoLog(int shader);

    void deleteShader(int shader);

    int createProgram();

    void attachShader(int program, int shader);

    void linkProgram(int program);

    int getProgrami(int program, int pname);

    String getProgramInfoLog(int program);

    void useProgram(int program);

    void deleteProgram(int program);

    int getUniformLocation(int program, String name);

    void uniform1i(int location, int v);

    void uniform1ui(int location, int v);

    void uniform1f(int location, float v);

    void uniform2f(int location, float a, float b);

    void uniform3f(int location, float a, float b, float c);

    void uniform3i(int location, int a, int b, int c);

    void uniform4f(int location, float a, float b, float c, float d);

    /** A column-major 4x4 matrix {@code (16)}. */
    void uniformMatrix4fv(int location, float[] m);

    /** A column-major 3x3 matrix {@code (9)}. */
    void uniformMatrix3fv(int location, float[] m);

    // ---- state
    void enable(int cap);

    void disable(int cap);

    void depthFunc(int func);

    void depthMask(boolean write);

    void blendFunc(int src, int dst);

    void polygonMode(int face, int mode);

    void polygonOffset(float factor, float units);

    void viewport(int x, int y, int width, int height);

    void clearColor(float r, float g, float b, float a);

    void clearDepth(double d);

    void clear(int mask);

    void scissor(int x, int y, int width, int height);

    // ---- drawing and compute
    void drawArrays(int mode, int first, int count);

    void drawElements(int mode, int count, int type, long offset);

    /** Draws with the command at {@code offset} of the bound {@code GL_DRAW_INDIRECT_BUFFER}. */
    void drawArraysIndirect(int mode, long offset);

    void dispatchCompute(int x, int y, int z);

    void memoryBarrier(int barriers);

    void finish();
}
