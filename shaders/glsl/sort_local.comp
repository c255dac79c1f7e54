#version 450 core
// Bitonic sort of (key, value) pairs ascending, lexicographically; the steps that stay within a
// block of 1024 elements, in shared memory. uK == 0: sorts each block completely (alternating
// directions, so that blocks pair up into bitonic sequences); uK >= 2048: the last ten steps
// (j = 512 .. 1) of merge stage uK.
layout(local_size_x = 512) in;
layout(std430, binding = 3) buffer Keys { uvec2 keys[]; };

uniform uint uK;

shared uvec2 s[1024];

bool less(uvec2 a, uvec2 b) {
    return a.x < b.x || (a.x == b.x && a.y < b.y);
}

void compareSwap(uint base, uint k, uint j, uint t) {
    uint l = 2u * j * (t / j) + (t % j);
    uint r = l + j;
    bool ascending = ((base + l) & k) == 0u;
    uvec2 a = s[l], b = s[r];
    if (ascending ? less(b, a) : less(a, b)) {
        s[l] = b;
        s[r] = a;
    }
}

void main() {
    uint base = gl_WorkGroupID.x * 1024u;
    uint t = gl_LocalInvocationID.x;
    s[t] = keys[base + t];
    s[t + 512u] = keys[base + t + 512u];
    barrier();
    if (uK == 0u) {
        for (uint k = 2u; k <= 1024u; k <<= 1) {
            for (uint j = k >> 1; j > 0u; j >>= 1) {
                compareSwap(base, k, j, t);
                barrier();
            }
        }
    } else {
        for (uint j = 512u; j > 0u; j >>= 1) {
            compareSwap(base, uK, j, t);
            barrier();
        }
    }
    keys[base + t] = s[t];
    keys[base + t + 512u] = s[t + 512u];
}
