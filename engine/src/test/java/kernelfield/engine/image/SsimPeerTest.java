package kernelfield.engine.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import kernelfield.engine.compute.CpuDevice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SSIM against Python peers: scikit-image's {@code structural_similarity} where it is installed,
 * and in any case the same computation written with {@code scipy.ndimage.gaussian_filter}
 * (what scikit-image does inside): reflect-mode filtering cropped by the window radius for
 * {@link Ssim.Boundary#VALID}, constant-zero filtering over the whole map for the 3DGS
 * {@link Ssim.Boundary#ZERO_PAD}. Skipped, with the reason, where {@code /usr/bin/python3} lacks
 * numpy and scipy.
 */
class SsimPeerTest {
    private static final String PYTHON = "/usr/bin/python3";

    private static boolean pythonHas(String module) {
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import " + module).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void writeFloats(Path f, float[] a) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4 * a.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(a);
        Files.write(f, b.array());
    }

    private static final String SCRIPT = """
            import sys, numpy as np
            from scipy.ndimage import gaussian_filter
            w, h, c = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
            x = np.fromfile(sys.argv[1], dtype='<f4').astype(np.float64).reshape(h, w, c)
            y = np.fromfile(sys.argv[2], dtype='<f4').astype(np.float64).reshape(h, w, c)
            C1, C2 = 0.01 ** 2, 0.03 ** 2
            def ssim_map(mode):
                f = lambda a: gaussian_filter(a, sigma=(1.5, 1.5, 0), truncate=3.5, mode=mode, cval=0.0)
                mx, my = f(x), f(y)
                sxx, syy, sxy = f(x * x) - mx * mx, f(y * y) - my * my, f(x * y) - mx * my
                return ((2 * mx * my + C1) * (2 * sxy + C2)) / ((mx * mx + my * my + C1) * (sxx + syy + C2))
            print(repr(float(ssim_map('reflect')[5:-5, 5:-5, :].mean())))
            print(repr(float(ssim_map('constant').mean())))
            try:
                from skimage.metrics import structural_similarity
                print(repr(float(structural_similarity(x, y, gaussian_weights=True, sigma=1.5,
                        use_sample_covariance=False, data_range=1.0, channel_axis=2))))
            except ImportError:
                print('none')
            """;

    @Test
    void matchesScipyAndScikitImage(@TempDir Path dir) throws Exception {
        assumeTrue(pythonHas("numpy, scipy.ndimage"), PYTHON + " lacks numpy or scipy: SSIM peer check skipped");
        int w = 37, h = 29, c = 3;
        float[] x = ImageLossTest.image(w, h, c, 21);
        float[] y = ImageLossTest.perturbed(x, 0.2, 22);
        Path fx = dir.resolve("x.f32");
        Path fy = dir.resolve("y.f32");
        Path py = dir.resolve("ssim.py");
        writeFloats(fx, x);
        writeFloats(fy, y);
        Files.writeString(py, SCRIPT);
        Process p = new ProcessBuilder(PYTHON, py.toString(), fx.toString(), fy.toString(), "" + w, "" + h, "" + c)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(true, p.waitFor(120, TimeUnit.SECONDS), "python timed out");
        assertEquals(0, p.exitValue(), out);
        String[] lines = out.strip().split("\\R");
        double validPeer = Double.parseDouble(lines[lines.length - 3]);
        double zeroPeer = Double.parseDouble(lines[lines.length - 2]);
        String skimage = lines[lines.length - 1];

        double valid = new Ssim(w, h, c, Ssim.Boundary.VALID, CpuDevice.shared()).value(x, y);
        double zero = new Ssim(w, h, c).value(x, y);
        assertEquals(validPeer, valid, 2e-6, "VALID vs scipy (scikit-image convention)");
        assertEquals(zeroPeer, zero, 2e-6, "ZERO_PAD vs scipy (3DGS convention)");
        if (!skimage.equals("none")) {
            assertEquals(Double.parseDouble(skimage), valid, 2e-6, "VALID vs scikit-image");
        } else {
            System.out.println("scikit-image not installed: compared with the scipy formulation only");
        }
    }
}
