package kernelfield.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import kernelfield.engine.data.Bounds;
import kernelfield.engine.data.TriangleMesh;
import kernelfield.engine.geometry.Bvh;
import kernelfield.engine.geometry.MarchingCubes;
import kernelfield.engine.geometry.SampleGrid;
import kernelfield.engine.geometry.WindingNumber;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * BVH, winding number and marching cubes on the Stanford bunny (../shared/data/scans/bunny00.off,
 * about 70k triangles; the {@code kf.shared.data} property overrides the folder). Without the file
 * a sphere of similar size stands in (the run says so). Queries: 1M points uniform in the
 * bounding box grown by 10%.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class BvhBench {
    TriangleMesh mesh;
    Bvh bvh;
    WindingNumber wn;
    float[] queries;
    float[] origins, directions;
    float[] outD;
    float[] outT;
    float[] gridValues;
    SampleGrid grid;

    @Setup(Level.Trial)
    public void setup() throws IOException {
        String root = System.getProperty("kf.shared.data", "../shared/data");
        Path f = Path.of(root, "scans", "bunny00.off");
        if (Files.exists(f)) {
            mesh = readOff(f);
        } else {
            System.err.println("BvhBench: " + f + " not found, using a sphere");
            mesh = sphere(256, 128);
        }
        bvh = Bvh.build(mesh);
        wn = WindingNumber.of(bvh);
        Bounds b = mesh.bounds().expand(0.1 * mesh.bounds().diagonal());
        Random r = new Random(1);
        int m = 1_000_000;
        queries = new float[3 * m];
        for (int i = 0; i < m; i++) {
            queries[3 * i] = (float) (b.minX() + b.sizeX() * r.nextDouble());
            queries[3 * i + 1] = (float) (b.minY() + b.sizeY() * r.nextDouble());
            queries[3 * i + 2] = (float) (b.minZ() + b.sizeZ() * r.nextDouble());
        }
        origins = queries;
        directions = new float[3 * m];
        for (int i = 0; i < 3 * m; i++) directions[i] = (float) r.nextGaussian();
        outD = new float[m];
        outT = new float[m];
        int n = 128;
        double s = b.diagonal() / Math.sqrt(3) / (n - 1);
        grid = new SampleGrid(n, n, n, b.minX(), b.minY(), b.minZ(), s);
        gridValues = wn.signedDistance(grid.samplePositions());
        System.err.println("BvhBench: " + mesh + ", " + bvh.nodeCount() + " nodes, depth " + bvh.depth());
    }

    @Benchmark
    public Bvh build() {
        return Bvh.build(mesh);
    }

    @Benchmark
    public float[] closestPoints1M() {
        bvh.closestPoints(queries, outD, null, null);
        return outD;
    }

    @Benchmark
    public float[] raycast1M() {
        bvh.raycast(origins, directions, Double.POSITIVE_INFINITY, outT, null);
        return outT;
    }

    @Benchmark
    public WindingNumber windingNumberBuild() {
        return WindingNumber.of(bvh);
    }

    @Benchmark
    public float[] windingNumber1M() {
        wn.evaluate(queries, outD);
        return outD;
    }

    @Benchmark
    public TriangleMesh marchingCubes128() {
        return MarchingCubes.extract(gridValues, grid, 0);
    }

    static TriangleMesh readOff(Path file) throws IOException {
        String[] tok = Files.readString(file).replaceAll("#[^\n]*", " ").trim().split("\\s+");
        int p = 1;
        int nv = Integer.parseInt(tok[p++]), nf = Integer.parseInt(tok[p++]);
        p++;
        float[] v = new float[3 * nv];
        for (int i = 0; i < 3 * nv; i++) v[i] = Float.parseFloat(tok[p++]);
        int[] t = new int[3 * nf];
        for (int i = 0; i < nf; i++) {
            if (Integer.parseInt(tok[p++]) != 3) throw new IOException(file + ": face " + i + " is not a triangle");
            for (int k = 0; k < 3; k++) t[3 * i + k] = Integer.parseInt(tok[p++]);
        }
        return new TriangleMesh(v, t);
    }

    static TriangleMesh sphere(int nu, int nv) {
        float[] v = new float[3 * (nu * (nv - 1) + 2)];
        int o = 0;
        for (int j = 1; j < nv; j++) {
            double th = Math.PI * j / nv;
            for (int i = 0; i < nu; i++) {
                double ph = 2 * Math.PI * i / nu;
                v[o++] = (float) (Math.sin(th) * Math.cos(ph));
                v[o++] = (float) (Math.sin(th) * Math.sin(ph));
                v[o++] = (float) Math.cos(th);
            }
        }
        int top = nu * (nv - 1), bottom = top + 1;
        v[3 * top + 2] = 1;
        v[3 * bottom + 2] = -1;
        int[] t = new int[3 * 2 * nu * (nv - 1)];
        int q = 0;
        for (int i = 0; i < nu; i++) {
            int i1 = (i + 1) % nu;
            t[q++] = top;
            t[q++] = i;
            t[q++] = i1;
            for (int j = 0; j < nv - 2; j++) {
                int a = j * nu + i, b = j * nu + i1, c = (j + 1) * nu + i, d = (j + 1) * nu + i1;
                t[q++] = a;
                t[q++] = c;
                t[q++] = b;
                t[q++] = b;
                t[q++] = c;
                t[q++] = d;
            }
            t[q++] = bottom;
            t[q++] = (nv - 2) * nu + i1;
            t[q++] = (nv - 2) * nu + i;
        }
        return new TriangleMesh(v, java.util.Arrays.copyOf(t, q));
    }
}
