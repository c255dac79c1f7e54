/**
 * Compute devices: {@link kernelfield.engine.compute.CpuDevice} (a fork-join pool running loops
 * over fixed chunks, with deterministic reductions), {@link kernelfield.engine.compute.GradientBuffers}
 * (per-slot scatter buffers reduced in a fixed order), {@link kernelfield.engine.compute.VectorOps}
 * (Vector API kernels) and the {@link kernelfield.engine.compute.Cuda} probe.
 *
 * <p>Determinism rule: work is cut into chunks that depend on the problem size and a grain, never
 * on the thread count, and partial results are combined in chunk order; results are then
 * bit-identical run to run and for any number of threads.
 */
package kernelfield.engine.compute;
