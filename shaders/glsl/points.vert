#version 450 core
// Point clouds by vertex pulling: positions, normals and colours (N, 3) from storage buffers.
layout(std430, binding = 0) readonly buffer Positions { float pos[]; };
layout(std430, binding = 1) readonly buffer Normals { float nrm[]; };
layout(std430, binding = 2) readonly buffer Colors { float col[]; };

uniform mat4 uViewProj;
uniform int uHasColors;
uniform int uHasNormals;
uniform vec3 uColor;
uniform vec3 uEye;
uniform float uPointSize;

out vec3 vColor;

void main() {
    int i = 3 * gl_VertexID;
    vec3 p = vec3(pos[i], pos[i + 1], pos[i + 2]);
    vec3 c = uHasColors != 0 ? vec3(col[i], col[i + 1], col[i + 2]) : uColor;
    if (uHasNormals != 0) {
        vec3 n = vec3(nrm[i], nrm[i + 1], nrm[i + 2]);
        float len = length(n);
        float d = len > 0.0 ? abs(dot(n / len, normalize(uEye - p))) : 1.0;
        c *= 0.2 + 0.8 * d;
    }
    vColor = c;
    gl_PointSize = uPointSize;
    gl_Position = uViewProj * vec4(p, 1.0);
}
