#version 450 core
// Bitonic sort of (key, value) pairs: one compare-exchange step (stage uK, distance uJ >= 1024)
// over the whole array in storage; one thread per pair.
layout(local_size_x = 256) in;
layout(std430, binding = 3) buffer Keys { uvec2 keys[]; };

uniform uint uK;
uniform uint uJ;

bool less(uvec2 a, uvec2 b) {
    return a.x < b.x || (a.x == b.x && a.y < b.y);
}

void main() {
    uint t = gl_GlobalInvocationID.x;
    uint l = 2u * uJ * (t / uJ) + (t % uJ);
    uint r = l + uJ;
    bool ascending = (l & uK) == 0u;
    uvec2 a = keys[l], b = keys[r];
    if (ascending ? less(b, a) : less(a, b)) {
        keys[l] = b;
        keys[r] = a;
    }
}
