/**
 * The shared optimization core: parameter blocks ({@link kernelfield.engine.optim.ParamBlock},
 * {@link kernelfield.engine.optim.ParamSet}), the {@link kernelfield.engine.optim.Adam} optimizer
 * (dense and row-sparse), learning-rate schedules, and the {@link kernelfield.engine.optim.Trainer}
 * step loop with strategies, checkpoints and progress reporting.
 */
package kernelfield.engine.optim;
