#version 450 core
// Gaussian splats, pass 3: one instanced quad (triangle strip of 4) per visible splat, in sorted
// order (far to near), covering the pixels where the splat's alpha can reach 1/255 within its
// tile rectangle. Window coordinates are image pixels (y down): x_ndc = 2 x / W - 1.
layout(std430, binding = 2) readonly buffer Projected { vec4 proj[]; };
layout(std430, binding = 3) readonly buffer Keys { uvec2 keys[]; };

uniform vec2 uSize;

flat out vec2 vMean;
flat out vec4 vConic;   // A B C phi
flat out vec4 vColor;   // rgb opacity

void main() {
    uint i = 0xFFFFFFFFu - keys[gl_InstanceID].y;
    vec4 p0 = proj[4u * i], p1 = proj[4u * i + 1u], p2 = proj[4u * i + 2u], q = proj[4u * i + 3u];
    float x = (gl_VertexID & 1) != 0 ? q.z : q.x;
    float y = (gl_VertexID & 2) != 0 ? q.w : q.y;
    vMean = p0.xy;
    vConic = p1;
    vColor = vec4(p2.rgb, p0.w);
    gl_Position = vec4(2.0 * x / uSize.x - 1.0, 2.0 * y / uSize.y - 1.0, p0.z, 1.0);
}
