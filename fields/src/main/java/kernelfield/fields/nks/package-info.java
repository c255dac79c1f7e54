/**
 * {@code nks}: neural kernel surfaces, learning-free path (after Huang et al., CVPR 2023; our own
 * derivation and code).
 *
 * <h2>Representation</h2>
 * A {@link kernelfield.fields.nks.VoxelHierarchy} of {@code L} levels, voxel size
 * {@code h_l = h0 2^l}, Morton-keyed; the implicit function is
 * <pre>f(x) = sum_l sum_{v in V_l} alpha_{l,v} K_l(x, c_v),   K_l(x, c) = prod_axes b((x_a - c_a) / h_l)</pre>
 * with {@code b} the uniform quadratic B-spline ({@link kernelfield.fields.nks.QuadraticBSpline},
 * C1, support 3 voxels per axis, so a point touches 27 voxels per level). {@code V_l} holds the
 * voxels within one voxel of a sample; the coarsest level is dense over the bounding box, so
 * that {@code f} has a sign everywhere in the domain. Sign convention: {@code f < 0} inside.
 *
 * <h2>Energy</h2>
 * Given samples {@code x_s} with unit normals {@code n_s} and area weights {@code a_s} (the
 * surface area each stands for, so sums over samples approximate surface integrals):
 * <pre>
 * E(alpha) = sum_s a_s [ mu_v (f(x_s) / h_l)^2 + mu_g |grad f(x_s) - n_s|^2 ]     (zero level set, gradient = normal)
 *          + sum_l (lambda_g / h_l) int_R3 |grad f_l|^2 dx                         (smoothness of each level's term)
 *          + lambda_0 sum alpha^2                                                  (ridge)
 * </pre>
 * The data terms make {@code f} a local signed distance near the samples; the Dirichlet term
 * (the harmonic energy, as in screened Poisson, but on each level's own term) makes {@code f}
 * extend smoothly and keep its sign away from the data, and damps the fine levels where samples
 * are sparse; the ridge keeps every level's system definite. The value term is scaled by
 * {@code 1/h_l^2} so that all terms are in the same units whatever the level. The Dirichlet
 * integral is exact: for voxels {@code i, j} of one level with offsets {@code d},
 * {@code int grad K_i . grad K_j = h (S(dx) M(dy) M(dz) + M S M + M M S)} with the 1D tables
 * {@code M(d) = int b b(. - d)} (1/120, 13/60, 11/20, ...) and {@code S(d) = int b' b'(. - d)}
 * (-1/6, -1/3, 1, ...), a 125-point stencil that vanishes beyond offset 2.
 *
 * <h3>Kernel features</h3>
 * Optionally each voxel carries a scalar feature {@code s_v > 0} multiplying its basis function:
 * <pre>f(x) = sum_l sum_v alpha_{l,v} s_{l,v} K_l(x, c_v)</pre>
 * with the data terms acting on {@code f} and the smoothness and ridge on the unscaled
 * {@code alpha}. A large {@code s_v} makes voxel {@code v} cheap to move (it follows the data), a
 * small one expensive (it is smoothed); {@code s = 1} is the energy above. In the normal equations
 * the data part becomes {@code S J^T W J S} and the right-hand side {@code S J^T W t}, the
 * regulariser unchanged. The solver works in the field's coefficients {@code beta = S alpha}
 * instead, the same minimiser: {@code (J^T W J + S^-1 (lambda_g G + lambda_0 I) S^-1) beta =
 * J^T W t}, so the data assembly is untouched, each regulariser entry {@code (i, j)} is multiplied
 * by {@code 1 / (s_i s_j)} (exactly the old entry when both are 1: bit-identical results), and
 * {@link kernelfield.fields.nks.NksField} stores and evaluates {@code beta} as before. The
 * features come from {@link kernelfield.fields.nks.KernelFeatures}: a model with a handful of
 * parameters, {@code s_v = exp(clamp(b + w . d_v))}, over dimensionless descriptors {@code d_v} of
 * the samples in the voxel's support (plane distance, normal spread, surface variation, density,
 * centroid offset, noise over voxel size), trained on procedurally generated shapes.
 *
 * <h2>Normal equations and solve</h2>
 * {@code E} is a convex quadratic in {@code alpha}; setting its gradient to zero gives the sparse
 * SPD system {@code A alpha = b}, {@code A = J^T W J + lambda_g G + lambda_0 I}, with {@code J} the
 * kernel values and gradients at the samples. It is solved by block Gauss-Seidel over the levels,
 * coarse to fine (the cascade of screened Poisson): level {@code l} is solved with the other
 * levels fixed, their sum {@code F} entering through the residuals {@code -F(x_s)} and
 * {@code n_s - grad F(x_s)}; its block {@code A_ll} (at most 125 entries per row: two samples'
 * 27-voxel neighbourhoods overlap within offset 2) is assembled row by row, each row owned by
 * one voxel and summed over the samples of its 27 neighbours in a fixed order (parallel,
 * deterministic, separable per axis), stored as float CSR, and solved by Jacobi-preconditioned
 * conjugate gradients warm-started from the previous sweep. The coarse levels carry the global
 * shape and the sign; the finer ones add detail as corrections; further sweeps converge to the
 * joint minimiser.
 *
 * <h2>Evaluation</h2>
 * {@link kernelfield.fields.nks.NksField} evaluates {@code f} and {@code grad f} at batches of
 * points, 27 coefficients per level through a per-voxel neighbour table and a per-thread memo of
 * the last voxel visited.
 */
package kernelfield.fields.nks;
