#version 450 core
// Headlight shading (a light at the camera), two-sided.
// uMode 0: smooth (interpolated vertex normals), 1: flat (face normal from screen derivatives),
// 2: unlit colour (wireframe lines).
in vec3 vWorld;
in vec3 vNormal;
in vec3 vColor;

uniform int uMode;
uniform vec3 uEye;
uniform vec3 uLineColor;

layout(location = 0) out vec4 outColor;

void main() {
    if (uMode == 2) {
        outColor = vec4(uLineColor, 1.0);
        return;
    }
    vec3 n = uMode == 1 ? cross(dFdx(vWorld), dFdy(vWorld)) : vNormal;
    float len = length(n);
    n = len > 0.0 ? n / len : vec3(0.0);
    vec3 l = normalize(uEye - vWorld);
    float d = abs(dot(n, l));
    outColor = vec4(vColor * (0.2 + 0.8 * d), 1.0);
}
