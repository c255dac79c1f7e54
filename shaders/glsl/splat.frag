#version 450 core
// Gaussian splats: alpha = min(0.99, opacity * g(p)), p = 0.5 d^T conic d at the pixel centre,
// g = exp(-p) (or exp(-p^phi) for GES); below 1/255 (or outside the splat's tile rectangle)
// nothing is drawn, and fragments beyond p = pmax are dropped before the exponential.
// Premultiplied output for back-to-front blending (ONE, ONE_MINUS_SRC_ALPHA).
flat in vec2 vMean;
flat in vec4 vConic;
flat in vec4 vColor;
flat in float vPmax;
flat in vec4 vRect;

uniform int uGes;

layout(location = 0) out vec4 outColor;

void main() {
    vec2 f = gl_FragCoord.xy;
    vec2 d = vMean - f;
    float p = max(0.5 * vConic.x * d.x * d.x + vConic.y * d.x * d.y + 0.5 * vConic.z * d.y * d.y, 0.0);
    if (p > vPmax * 1.0001 || f.x < vRect.x || f.y < vRect.y || f.x > vRect.z || f.y > vRect.w) discard;
    float g = uGes != 0 ? exp(-pow(p, vConic.w)) : exp(-p);
    float alpha = min(0.99, vColor.a * g);
    if (alpha < 1.0 / 255.0) discard;
    outColor = vec4(vColor.rgb * alpha, alpha);
}
