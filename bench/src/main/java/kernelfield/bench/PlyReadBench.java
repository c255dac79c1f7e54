package kernelfield.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import kernelfield.engine.data.PointCloud;
import kernelfield.engine.io.PlyEncoding;
import kernelfield.engine.io.PlyFile;
import kernelfield.engine.io.PlyIO;
import kernelfield.engine.io.PointCloudIO;

/**
 * Reading a 1M-point binary little-endian PLY ({@code x y z nx ny nz} float32, 24 MB), written in
 * {@link #setUp} to a temporary folder: the raw column model, and the point cloud with positions
 * and normals interleaved. An ascii file of 100k points for the text path.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class PlyReadBench {
    static final int N = 1_000_000;

    Path dir;
    Path binary;
    Path ascii;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("kf-plybench");
        Random rnd = new Random(1);
        float[] p = new float[3 * N], n = new float[3 * N];
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) rnd.nextGaussian();
            n[i] = (float) rnd.nextGaussian();
        }
        PointCloud pc = new PointCloud(p, n);
        binary = dir.resolve("points.ply");
        PointCloudIO.write(binary, pc);
        float[] ps = java.util.Arrays.copyOf(p, 300_000), ns = java.util.Arrays.copyOf(n, 300_000);
        ascii = dir.resolve("points-ascii.ply");
        PlyIO.write(ascii, new PointCloud(ps, ns), PlyEncoding.ASCII);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path f : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(f);
        }
    }

    /** The column model only: six float[] of 1M. */
    @Benchmark
    public PlyFile readColumns1M() throws IOException {
        return PlyFile.read(binary);
    }

    /** The engine's point cloud: positions and normals (N, 3). */
    @Benchmark
    public PointCloud readPointCloud1M() throws IOException {
        return PointCloudIO.read(binary);
    }

    /** Ascii, 100k points of six values. */
    @Benchmark
    public PointCloud readAscii100k() throws IOException {
        return PointCloudIO.read(ascii);
    }
}
