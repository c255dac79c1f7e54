#version 450 core
// Gaussian splats, pass 1: per splat, the projection of the CPU rasterizer (SplatRasterCpu) in
// float32: EWA covariance with the 1.3 x half-FOV frustum guard, 0.3 px^2 low-pass (and the
// Mip-Splatting opacity compensation when anti-aliased), conic, 3-sigma radius and its 16x16 tile
// rectangle, the ellipse where alpha can reach 1/255 (its half-axes: the quad drawn), SH colour in the direction from the camera centre (+0.5, clamped at 0). Writes the
// screen-space record, the sort key (far first; equal depths: higher index first) and counts the
// visible splats into the indirect draw command. Threads past N write padding keys.
layout(local_size_x = 256) in;

layout(std430, binding = 0) readonly buffer Gaussians { float gs[]; };   // (N, 12) see SplatPass
layout(std430, binding = 1) readonly buffer Sh { float sh[]; };          // (N, shStride) coefficient-major
layout(std430, binding = 2) writeonly buffer Projected { vec4 proj[]; }; // (N, 5)
layout(std430, binding = 3) writeonly buffer Keys { uvec2 keys[]; };     // (N2)
layout(std430, binding = 4) buffer Command { uint cmd[4]; };             // DrawArraysIndirectCommand

uniform uint uN;
uniform uint uN2;
uniform mat3 uRot;      // world -> camera rotation
uniform vec3 uTrans;
uniform vec3 uCamPos;
uniform vec4 uIntr;     // fx fy cx cy
uniform vec2 uSize;     // W H
uniform vec2 uClip;     // near far of the depth mapping
uniform int uDegree;
uniform int uShStride;
uniform int uAntialiased;
uniform int uGes;

const float NEAR = 0.2;
const float LOW_PASS = 0.3;
const float GUARD = 1.3;
const float TILE = 16.0;
const uvec2 NONE = uvec2(0xFFFFFFFFu, 0xFFFFFFFFu);

float shColor(uint i, int ch, vec3 d) {
    uint o = i * uint(uShStride) + uint(ch);
    float s = 0.28209479177387814 * sh[o];
    if (uDegree >= 1) {
        float x = d.x, y = d.y, z = d.z;
        s += -0.4886025119029199 * y * sh[o + 3u] + 0.4886025119029199 * z * sh[o + 6u]
             - 0.4886025119029199 * x * sh[o + 9u];
        if (uDegree >= 2) {
            float xx = x * x, yy = y * y, zz = z * z;
            s += 1.0925484305920792 * x * y * sh[o + 12u]
               - 1.0925484305920792 * y * z * sh[o + 15u]
               + 0.31539156525252005 * (2.0 * zz - xx - yy) * sh[o + 18u]
               - 1.0925484305920792 * x * z * sh[o + 21u]
               + 0.5462742152960396 * (xx - yy) * sh[o + 24u];
            if (uDegree >= 3) {
                s += -0.5900435899266435 * y * (3.0 * xx - yy) * sh[o + 27u]
                   + 2.890611442640554 * x * y * z * sh[o + 30u]
                   - 0.4570457994644658 * y * (4.0 * zz - xx - yy) * sh[o + 33u]
                   + 0.3731763325901154 * z * (2.0 * zz - 3.0 * xx - 3.0 * yy) * sh[o + 36u]
                   - 0.4570457994644658 * x * (4.0 * zz - xx - yy) * sh[o + 39u]
                   + 1.445305721320277 * z * (xx - yy) * sh[o + 42u]
                   - 0.5900435899266435 * x * (xx - 3.0 * yy) * sh[o + 45u];
            }
        }
    }
    return max(s + 0.5, 0.0);
}

void main() {
    uint i = gl_GlobalInvocationID.x;
    if (i >= uN2) return;
    if (i >= uN) { keys[i] = NONE; return; }
    uint g = 12u * i;
    if (gs[g + 11u] == 0.0) { keys[i] = NONE; return; }
    vec3 m = vec3(gs[g], gs[g + 1u], gs[g + 2u]);
    vec3 t = uRot * m + uTrans;
    if (!(t.z > NEAR)) { keys[i] = NONE; return; }
    float fx = uIntr.x, fy = uIntr.y, cx = uIntr.z, cy = uIntr.w;
    float W = uSize.x, H = uSize.y;
    float tanX = W / (2.0 * fx), tanY = H / (2.0 * fy);
    float cenX = (0.5 * W - cx) / fx, cenY = (0.5 * H - cy) / fy;
    float u = t.x / t.z, v = t.y / t.z;
    float uc = clamp(u, cenX - GUARD * tanX, cenX + GUARD * tanX);
    float vc = clamp(v, cenY - GUARD * tanY, cenY + GUARD * tanY);
    // T = J W: rows of the world-to-pixel Jacobian
    vec3 r0 = vec3(uRot[0][0], uRot[1][0], uRot[2][0]);
    vec3 r1 = vec3(uRot[0][1], uRot[1][1], uRot[2][1]);
    vec3 r2 = vec3(uRot[0][2], uRot[1][2], uRot[2][2]);
    vec3 t0 = (fx / t.z) * r0 - (fx * uc / t.z) * r2;
    vec3 t1 = (fy / t.z) * r1 - (fy * vc / t.z) * r2;
    mat3 S = mat3(gs[g + 4u], gs[g + 5u], gs[g + 6u],
                  gs[g + 5u], gs[g + 7u], gs[g + 8u],
                  gs[g + 6u], gs[g + 8u], gs[g + 9u]);
    vec3 s0 = S * t0, s1 = S * t1;
    float a = dot(t0, s0), b = dot(t0, s1), c = dot(t1, s1);
    float a2 = a + LOW_PASS, c2 = c + LOW_PASS;
    float det2 = a2 * c2 - b * b;
    if (!(det2 > 1e-12)) { keys[i] = NONE; return; }
    float det = a * c - b * b;
    float comp = uAntialiased != 0 ? (det > 0.0 ? sqrt(det / det2) : 0.0) : 1.0;
    float op = gs[g + 3u] * comp;
    float phi = gs[g + 10u];
    float mid = 0.5 * (a2 + c2);
    float lambda = mid + sqrt(max(0.1, mid * mid - det2));
    float mult = 3.0;
    if (uGes != 0) mult = min(6.0, max(3.0, sqrt(2.0 * pow(log(255.0), 1.0 / phi))));
    float rad = ceil(mult * sqrt(lambda));
    float px = fx * u + cx, py = fy * v + cy;
    vec2 tiles = ceil(uSize / TILE);
    float x0 = clamp(floor((px - rad) / TILE), 0.0, tiles.x), x1 = clamp(floor((px + rad) / TILE) + 1.0, 0.0, tiles.x);
    float y0 = clamp(floor((py - rad) / TILE), 0.0, tiles.y), y1 = clamp(floor((py + rad) / TILE) + 1.0, 0.0, tiles.y);
    if (rad <= 0.0 || x0 >= x1 || y0 >= y1) { keys[i] = NONE; return; }
    // where alpha can reach 1/255: p = 0.5 d^T conic d <= pmax, an ellipse with half-axes
    // sqrt(2 pmax l_k) along the eigenvectors of the 2D covariance
    float lv = log(255.0 * op);
    float pmax = uGes != 0 ? (lv > 0.0 ? pow(lv, 1.0 / phi) : -1.0) : lv;
    if (!(pmax > 0.0)) { keys[i] = NONE; return; }
    vec4 rect = vec4(max(x0 * TILE, 0.0), max(y0 * TILE, 0.0), min(x1 * TILE, W), min(y1 * TILE, H));
    float ex = sqrt(2.0 * pmax * a2) + 0.5, ey = sqrt(2.0 * pmax * c2) + 0.5;   // the ellipse's bounding box
    if (px + ex <= rect.x || px - ex >= rect.z || py + ey <= rect.y || py - ey >= rect.w) { keys[i] = NONE; return; }
    float disc = sqrt(max(mid * mid - det2, 0.0));
    float l1 = mid + disc, l2 = max(mid - disc, 0.0);
    vec2 v1 = abs(b) > 1e-9 * mid ? normalize(vec2(b, l1 - a2)) : (a2 >= c2 ? vec2(1.0, 0.0) : vec2(0.0, 1.0));
    vec2 e1 = v1 * (sqrt(2.0 * pmax * l1) + 0.5), e2 = vec2(-v1.y, v1.x) * (sqrt(2.0 * pmax * l2) + 0.5);
    vec3 dir = normalize(m - uCamPos);
    vec3 col = vec3(shColor(i, 0, dir), shColor(i, 1, dir), shColor(i, 2, dir));
    float n = uClip.x, f = uClip.y;
    float zndc = clamp((f + n) / (f - n) - 2.0 * f * n / ((f - n) * t.z), -0.999999, 0.999999);
    proj[5u * i] = vec4(px, py, zndc, op);
    proj[5u * i + 1u] = vec4(c2 / det2, -b / det2, a2 / det2, phi);
    proj[5u * i + 2u] = vec4(col, pmax);
    proj[5u * i + 3u] = vec4(e1, e2);
    proj[5u * i + 4u] = rect;
    keys[i] = uvec2(0xFFFFFFFFu - floatBitsToUint(t.z), 0xFFFFFFFFu - i);
    atomicAdd(cmd[1], 1u);
}
