#version 450 core
// Implicit surfaces: one triangle covering the viewport; sdf.frag traces a ray per pixel.
void main() {
    vec2 p = vec2((gl_VertexID & 1) != 0 ? 3.0 : -1.0, (gl_VertexID & 2) != 0 ? 3.0 : -1.0);
    gl_Position = vec4(p, 0.0, 1.0);
}
