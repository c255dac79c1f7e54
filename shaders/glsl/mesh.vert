#version 450 core
// Triangle meshes by vertex pulling: positions, normals and colours (V, 3) from storage buffers,
// indexed by gl_VertexID (the element index).
layout(std430, binding = 0) readonly buffer Positions { float pos[]; };
layout(std430, binding = 1) readonly buffer Normals { float nrm[]; };
layout(std430, binding = 2) readonly buffer Colors { float col[]; };

uniform mat4 uViewProj;     // world -> clip (image rows downwards: y_ndc = 2 v / H - 1)
uniform int uHasColors;
uniform vec3 uColor;

out vec3 vWorld;
out vec3 vNormal;
out vec3 vColor;

void main() {
    int i = 3 * gl_VertexID;
    vec3 p = vec3(pos[i], pos[i + 1], pos[i + 2]);
    vWorld = p;
    vNormal = vec3(nrm[i], nrm[i + 1], nrm[i + 2]);
    vColor = uHasColors != 0 ? vec3(col[i], col[i + 1], col[i + 2]) : uColor;
    gl_Position = uViewProj * vec4(p, 1.0);
}
