#version 450 core
// Implicit surfaces: sphere tracing of a distance field baked into a sparse brick grid
// (SdfBrickGrid). The ray of the pixel centre walks the bricks (3D DDA); empty bricks are
// skipped (an "inside" one is a hit at its entry: the grid cuts the solid); in a surface brick it
// steps by the trilinearly interpolated distance (at least uMinStep) and the first sign change
// is refined by two secant steps. Output: headlight shading from the interpolated gradient and
// the hit's depth in the projection's mapping (NDC -1 at near, +1 at far).
layout(std430, binding = 0) readonly buffer Index { int brickSlot[]; };   // (bz, by, bx): slot, -1 outside, -2 inside
layout(binding = 0) uniform sampler3D uAtlas;                             // (8 az, 8 ay, 8 ax) R32F, linear

uniform ivec3 uBricks;       // bx by bz
uniform ivec3 uAtlasSlots;   // ax ay az
uniform vec3 uOrigin;        // corner of brick (0, 0, 0)
uniform float uVoxel;        // cell edge h
uniform vec3 uCamPos;        // camera centre
uniform mat3 uCamToWorld;    // rotation camera -> world (R^T)
uniform vec3 uForward;       // camera z axis in world (row 2 of R)
uniform vec4 uIntr;          // fx fy cx cy
uniform vec2 uClip;          // near far
uniform vec3 uColor;
uniform int uSigned;
uniform int uMaxSteps;

layout(location = 0) out vec4 outColor;

const float CELLS = 7.0;

vec3 slotBase;               // current brick's slot in the atlas, in texels
vec3 brickMin;               // current brick's world corner

float field(vec3 p) {
    vec3 local = clamp((p - brickMin) / uVoxel, 0.0, CELLS);
    return texture(uAtlas, (slotBase + local + 0.5) / (vec3(uAtlasSlots) * 8.0)).r;
}

void enterBrick(ivec3 c, int slot) {
    int ax = uAtlasSlots.x, ay = uAtlasSlots.y;
    slotBase = 8.0 * vec3(slot % ax, (slot / ax) % ay, slot / (ax * ay));
    brickMin = uOrigin + vec3(c) * (CELLS * uVoxel);
}

void main() {
    vec2 px = gl_FragCoord.xy;
    vec3 dir = normalize(uCamToWorld * vec3((px.x - uIntr.z) / uIntr.x, (px.y - uIntr.w) / uIntr.y, 1.0));
    float edge = CELLS * uVoxel;
    vec3 go = (uCamPos - uOrigin) / edge;            // ray in brick units; t stays a world distance
    vec3 gd = dir / edge;
    vec3 inv = 1.0 / gd;
    vec3 ta = (vec3(0.0) - go) * inv, tb = (vec3(uBricks) - go) * inv;
    vec3 tlo = min(ta, tb), thi = max(ta, tb);
    float tEnter = max(max(tlo.x, tlo.y), max(tlo.z, 0.0)), tExit = min(min(thi.x, thi.y), thi.z);
    if (!(tExit > tEnter)) discard;

    vec3 gp = go + (tEnter + 1e-5 * edge) * gd;
    ivec3 c = clamp(ivec3(floor(gp)), ivec3(0), uBricks - 1);
    ivec3 stp = ivec3(sign(gd));
    vec3 tDelta = abs(inv);
    vec3 next = vec3(c) + max(vec3(stp), vec3(0.0));
    vec3 tMax = mix((next - go) * inv, vec3(1e30), equal(stp, ivec3(0)));

    float minStep = 0.25 * uVoxel;
    float thr = uSigned != 0 ? 0.0 : 0.5 * uVoxel;
    float t = tEnter, tHit = -1.0;
    bool havePrev = false, cutFace = false;
    float tPrev = 0.0, fPrev = 0.0;
    int steps = 0;
    int maxBricks = uBricks.x + uBricks.y + uBricks.z + 3;
    for (int b = 0; b < maxBricks && steps < uMaxSteps; b++) {
        float tOut = min(min(tMax.x, tMax.y), min(tMax.z, tExit));
        int slot = brickSlot[(c.z * uBricks.y + c.y) * uBricks.x + c.x];
        if (slot == -2 && uSigned != 0) { tHit = t; cutFace = true; break; }
        if (slot >= 0) {
            enterBrick(c, slot);
            float tt = t;
            while (steps < uMaxSteps) {
                steps++;
                float f = field(uCamPos + tt * dir);
                if (f <= thr) {
                    if (uSigned != 0 && havePrev && fPrev > 0.0) {
                        // secant between the last point outside and this one
                        float a = tPrev, fa = fPrev, bb = tt, fb = f;
                        for (int k = 0; k < 2; k++) {
                            float tm = a + (bb - a) * fa / (fa - fb);
                            float fm = field(uCamPos + tm * dir);
                            if (fm > 0.0) { a = tm; fa = fm; } else { bb = tm; fb = fm; }
                        }
                        tHit = a + (bb - a) * fa / (fa - fb);
                    } else {
                        tHit = tt;
                    }
                    break;
                }
                havePrev = true;
                tPrev = tt;
                fPrev = f;
                if (tt >= tOut) break;
                tt = min(tt + max(f - thr, minStep), tOut);
            }
            if (tHit >= 0.0) break;
        } else {
            havePrev = false;
        }
        t = tOut;
        if (t >= tExit) break;
        if (tMax.x <= tMax.y && tMax.x <= tMax.z) { c.x += stp.x; tMax.x += tDelta.x; }
        else if (tMax.y <= tMax.z) { c.y += stp.y; tMax.y += tDelta.y; }
        else { c.z += stp.z; tMax.z += tDelta.z; }
        if (any(lessThan(c, ivec3(0))) || any(greaterThanEqual(c, uBricks))) break;
    }
    if (tHit < 0.0) discard;

    vec3 p = uCamPos + tHit * dir;
    float z = dot(p - uCamPos, uForward);
    float n = uClip.x, fr = uClip.y;
    float ndc = (fr + n) / (fr - n) - 2.0 * fr * n / ((fr - n) * z);
    if (!(ndc >= -1.0 && ndc <= 1.0)) discard;
    vec3 nrm;
    if (cutFace) {
        nrm = -dir;                                  // cut face of an inside brick
    } else {
        // central differences at the hit, moved inside the brick so that the stencil stays in it
        float e = 0.5 * uVoxel;
        vec3 q = brickMin + clamp((p - brickMin) / uVoxel, 0.5, CELLS - 0.5) * uVoxel;
        nrm = vec3(field(q + vec3(e, 0, 0)) - field(q - vec3(e, 0, 0)),
                   field(q + vec3(0, e, 0)) - field(q - vec3(0, e, 0)),
                   field(q + vec3(0, 0, e)) - field(q - vec3(0, 0, e)));
        float len = length(nrm);
        nrm = len > 0.0 ? nrm / len : -dir;
    }
    float d = abs(dot(nrm, -dir));
    outColor = vec4(uColor * (0.2 + 0.8 * d), 1.0);
    gl_FragDepth = 0.5 * ndc + 0.5;
}
