package kernelfield.bench;

import java.util.SplittableRandom;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import kernelfield.engine.geometry.KdTree;
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
 * kd-tree build on N uniform random points in the unit cube, and k = 8 nearest neighbours of N
 * uniform random queries with 1 and 2 threads (one fork-join pool per thread count).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx4g"})
public class KdTreeBench {
    @Param({"1000000"})
    int n;

    @Param({"8"})
    int k;

    float[] points;
    float[] queries;
    KdTree tree;
    int[] outIdx;
    float[] outDist2;
    ForkJoinPool pool1;
    ForkJoinPool pool2;

    @Setup(Level.Trial)
    public void setup() {
        SplittableRandom r = new SplittableRandom(1);
        points = new float[3 * n];
        queries = new float[3 * n];
        for (int i = 0; i < points.length; i++) points[i] = r.nextFloat();
        for (int i = 0; i < queries.length; i++) queries[i] = r.nextFloat();
        tree = KdTree.build(points);
        outIdx = new int[n * k];
        outDist2 = new float[n * k];
        pool1 = new ForkJoinPool(1);
        pool2 = new ForkJoinPool(2);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool1.shutdown();
        pool2.shutdown();
    }

    /** Build on the common pool. */
    @Benchmark
    public KdTree build() {
        return KdTree.build(points);
    }

    @Benchmark
    public int[] knnThreads1() {
        tree.knnBatch(queries, k, outIdx, outDist2, pool1);
        return outIdx;
    }

    @Benchmark
    public int[] knnThreads2() {
        tree.knnBatch(queries, k, outIdx, outDist2, pool2);
        return outIdx;
    }
}
