#version 450 core
// Gaussian splats, pass 3: one instanced quad (triangle strip of 4) per visible splat, in sorted
// order (far to near): the rectangle around the ellipse where the splat's alpha can reach 1/255,
// along the eigenvectors of its 2D covariance (half-axes e1, e2 from the projection pass).
// Window coordinates are image pixels (y down): x_ndc = 2 x / W - 1.
layout(std430, binding = 2) readonly buffer Projected { vec4 proj[]; };   // (N, 5) see splat_project.comp
layout(std430, binding = 3) readonly buffer Keys { uvec2 keys[]; };

uniform vec2 uSize;

flat out vec2 vMean;
flat out vec4 vConic;   // A B C phi
flat out vec4 vColor;   // rgb opacity
flat out float vPmax;   // alpha >= 1/255 only where p <= pmax
flat out vec4 vRect;    // the tile rectangle (x0 y0 x1 y1) the CPU rasterizer limits the splat to

void main() {
    uint i = 0xFFFFFFFFu - keys[gl_InstanceID].y;
    vec4 p0 = proj[5u * i], p1 = proj[5u * i + 1u], p2 = proj[5u * i + 2u], ax = proj[5u * i + 3u];
    vec2 s = vec2((gl_VertexID & 1) != 0 ? 1.0 : -1.0, (gl_VertexID & 2) != 0 ? 1.0 : -1.0);
    vec2 c = p0.xy + s.x * ax.xy + s.y * ax.zw;
    vMean = p0.xy;
    vConic = p1;
    vColor = vec4(p2.rgb, p0.w);
    vPmax = p2.w;
    vRect = proj[5u * i + 4u];
    gl_Position = vec4(2.0 * c.x / uSize.x - 1.0, 2.0 * c.y / uSize.y - 1.0, p0.z, 1.0);
}
