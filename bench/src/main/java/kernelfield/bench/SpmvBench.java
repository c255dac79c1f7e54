package kernelfield.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import kernelfield.engine.compute.CpuDevice;
import kernelfield.engine.sparse.ConjugateGradient;
import kernelfield.engine.sparse.CsrMatrix;
import kernelfield.engine.sparse.IncompleteCholesky;
import kernelfield.engine.sparse.JacobiPreconditioner;
import kernelfield.engine.sparse.Laplacians;
import kernelfield.engine.sparse.Preconditioner;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Sparse matrix-vector product and preconditioned CG on the 3D 7-point Laplacian of a 100^3 grid
 * (1M rows, 6.94M stored entries), on all cores and on one thread. {@code pcg100} runs exactly
 * 100 PCG iterations (tolerance out of reach) so its time is per-iteration cost times 100.
 *
 * <pre>
 * ./mvnw -o -q -B install -DskipTests
 * java --add-modules jdk.incubator.vector -cp bench/target/classes:$(cat bench/target/classpath.txt) \
 *     org.openjdk.jmh.Main SpmvBench -f 1 -wi 2 -i 3
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx4g"})
@Warmup(iterations = 2)
@Measurement(iterations = 3)
public class SpmvBench {
    @Param({"all", "1"})
    public String threads;

    private CpuDevice device;
    private CsrMatrix a;
    private CsrMatrix af;
    private double[] x;
    private double[] y;

    @Setup(Level.Trial)
    public void setup() {
        device = threads.equals("all") ? CpuDevice.shared() : CpuDevice.withThreads(Integer.parseInt(threads));
        a = Laplacians.grid3d(100, 100, 100);
        af = a.toFloat();
        SplittableRandom rnd = new SplittableRandom(1);
        x = rnd.doubles(a.cols(), -1, 1).toArray();
        y = new double[a.rows()];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        device.close();
    }

    /** One y = A x, double values. */
    @Benchmark
    public double spmv() {
        a.multiply(x, y, device);
        return y[12345];
    }

    /** One y = A x, float-stored values (double vectors). */
    @Benchmark
    public double spmvFloatValues() {
        af.multiply(x, y, device);
        return y[12345];
    }

    /** The solver state: a preconditioner on the benchmark's matrix and device. */
    @State(Scope.Benchmark)
    public static class Solver {
        @Param({"jacobi", "ic0"})
        public String preconditioner;

        private double[] b;
        private double[] sol;
        private ConjugateGradient cg;

        @Setup(Level.Trial)
        public void setup(SpmvBench bench) {
            b = new SplittableRandom(2).doubles(bench.a.rows(), -1, 1).toArray();
            sol = new double[bench.a.rows()];
            Preconditioner m = preconditioner.equals("ic0") ? new IncompleteCholesky(bench.a) : new JacobiPreconditioner(bench.a);
            cg = new ConjugateGradient().device(bench.device).preconditioner(m).tolerance(1e-300).maxIterations(100);
        }
    }

    /** 100 PCG iterations from a cold start. */
    @Benchmark
    public double pcg100(Solver s) {
        java.util.Arrays.fill(s.sol, 0.0);
        return s.cg.solve(a, s.b, s.sol).relativeResidual();
    }
}
