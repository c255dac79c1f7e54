package kernelfield.reconstruction.fit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import kernelfield.engine.data.FloatImage;
import kernelfield.engine.image.Psnr;
import kernelfield.fields.rbf.RbfFieldConfig;
import kernelfield.fields.rbf.RbfKernel;

class ImageFitTest {
    /** A smooth colour ramp with a sharp disc: needs both the grid and the kernels. */
    static FloatImage synthetic(int w, int h) {
        FloatImage img = new FloatImage(w, h, 3);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                boolean in = (x - w * 0.6) * (x - w * 0.6) + (y - h * 0.4) * (y - h * 0.4) < (h * 0.25) * (h * 0.25);
                img.set(x, y, 0, (float) x / w);
                img.set(x, y, 1, in ? 0.9f : 0.2f);
                img.set(x, y, 2, (float) y / h * 0.5f + (in ? 0.3f : 0f));
            }
        }
        return img;
    }

    static ImageFit.Options small(int threads) {
        RbfFieldConfig cfg = RbfFieldConfig.imageDefaults(24, 20).withChannels(8, 0.5f, 16f, 6)
                .withGrid(new int[] {4, 8}, 2).withDecoder(new int[] {16}, 1f, 8f).withKernel(RbfKernel.INVERSE_QUADRATIC, 16f);
        return ImageFit.Options.defaults().withBudget(0, 60).withMaxParams(2500).withTraining(128, 2e-2)
                .withThreads(threads).withConfig(cfg).withSeed(3);
    }

    @Test
    void fitsASyntheticImageAndReportsConsistentMetrics() {
        FloatImage img = synthetic(24, 20);
        ImageFit.Result r = ImageFit.fit(img, small(2));
        assertEquals(60, r.steps());
        assertTrue(r.kernels() > 10, "kernels " + r.kernels());
        assertTrue(r.parameters() <= 2600, "parameters " + r.parameters());
        // the mean colour alone gives about 12 dB here; a fit must do far better
        assertTrue(r.psnr() > 22, "PSNR " + r.psnr());
        assertEquals(Psnr.psnr(r.fitted(), img), r.psnr(), 1e-9);
        assertTrue(r.ssim() > 0.5 && r.ssim() <= 1.0, "SSIM " + r.ssim());
        assertEquals(24, r.errorMap().width());
        assertEquals(1, r.errorMap().channels());
    }

    @Test
    void bitIdenticalForOneAndTwoThreads() {
        FloatImage img = synthetic(24, 20);
        ImageFit.Result a = ImageFit.fit(img, small(1).withBudget(0, 15));
        ImageFit.Result b = ImageFit.fit(img, small(2).withBudget(0, 15));
        assertArrayEquals(a.fitted().data(), b.fitted().data());
        for (var block : a.field().params().blocks()) {
            assertArrayEquals(block.value(), b.field().params().get(block.name()).value(), block.name());
        }
    }

    /** {@link #small} with the GNF decoder of 24 Gaussian neurons. */
    static ImageFit.Options smallGnf(int threads) {
        ImageFit.Options o = small(threads);
        return o.withConfig(o.config().withGaussianDecoder(24));
    }

    @Test
    void fitsASyntheticImageWithTheGnfDecoder() {
        FloatImage img = synthetic(24, 20);
        ImageFit.Result r = ImageFit.fit(img, smallGnf(2));
        assertEquals(60, r.steps());
        assertEquals(RbfFieldConfig.Decoder.GNF, r.field().config().decoder());
        assertTrue(r.field().params().get("decoder.gnf.centers") != null);
        assertTrue(r.parameters() <= 2600, "parameters " + r.parameters());
        // the mean colour alone gives about 12 dB here
        assertTrue(r.psnr() > 22, "PSNR " + r.psnr());
        assertEquals(Psnr.psnr(r.fitted(), img), r.psnr(), 1e-9);
    }

    @Test
    void gnfBitIdenticalForOneAndTwoThreads() {
        FloatImage img = synthetic(24, 20);
        ImageFit.Result a = ImageFit.fit(img, smallGnf(1).withBudget(0, 15));
        ImageFit.Result b = ImageFit.fit(img, smallGnf(2).withBudget(0, 15));
        assertArrayEquals(a.fitted().data(), b.fitted().data());
        for (var block : a.field().params().blocks()) {
            assertArrayEquals(block.value(), b.field().params().get(block.name()).value(), block.name());
        }
    }

    @Test
    void sobelIsZeroOnFlatImagesAndPositiveOnEdges() {
        FloatImage flat = new FloatImage(8, 8, 3);
        for (float v : ImageFit.sobelMagnitude(flat)) assertEquals(0f, v);
        float[] m = ImageFit.sobelMagnitude(synthetic(24, 20));
        float max = 0;
        for (float v : m) max = Math.max(max, v);
        assertTrue(max > 1f);
    }

    @Test
    void pixelsAreDrawnWithoutReplacementEpochByEpoch() {
        FloatImage img = synthetic(10, 10);
        ImageFit.Options o = small(1);
        kernelfield.fields.rbf.RbfField field = new kernelfield.fields.rbf.RbfField(o.config().withOutputs(3),
                new float[] {0.5f, 0.5f}, new float[] {0.1f, 0f, 0.1f});
        ImageFit.PixelObjective obj = new ImageFit.PixelObjective(field, null, img, ImageFit.pixelCentres(10, 10, 10), 30,
                kernelfield.engine.compute.CpuDevice.withThreads(1));
        obj.drawWithoutReplacement();
        kernelfield.engine.optim.SeededRandom r = new kernelfield.engine.optim.SeededRandom(5);
        for (int epoch = 0; epoch < 3; epoch++) {
            int[] seen = new int[100];
            int[] firstEpochOrder = new int[100];
            for (int drawn = 0; drawn < 100; drawn += 25) {
                obj.drawPoints(r, 25);
                for (int i = 0; i < 25; i++) {
                    seen[obj.pick[i]]++;
                    firstEpochOrder[drawn + i] = obj.pick[i];
                }
            }
            for (int p = 0; p < 100; p++) assertEquals(1, seen[p], "epoch " + epoch + ": pixel " + p + " drawn " + seen[p] + " times");
            boolean shuffled = false;
            for (int i = 0; i < 100; i++) shuffled |= firstEpochOrder[i] != i;
            assertTrue(shuffled, "epoch " + epoch + " is in pixel order");
        }
    }

    @Test
    void theWarmUpLeavesTheTrainingOrderAlone() {
        FloatImage img = synthetic(10, 10);
        ImageFit.Options o = small(1);
        int[][] picks = new int[2][];
        for (int run = 0; run < 2; run++) {
            kernelfield.fields.rbf.RbfField field = new kernelfield.fields.rbf.RbfField(o.config().withOutputs(3),
                    new float[] {0.5f, 0.5f}, new float[] {0.1f, 0f, 0.1f});
            ImageFit.PixelObjective obj = new ImageFit.PixelObjective(field, null, img, ImageFit.pixelCentres(10, 10, 10), 30,
                    kernelfield.engine.compute.CpuDevice.withThreads(1));
            obj.drawWithoutReplacement();
            if (run == 1) obj.warmUp(0.2); // a timing-dependent number of rounds
            obj.drawPoints(new kernelfield.engine.optim.SeededRandom(9), 30);
            picks[run] = java.util.Arrays.copyOf(obj.pick, 30);
        }
        assertArrayEquals(picks[0], picks[1]);
    }

    @Test
    void imageDefaultsPutAFineGridOfAboutOneVertexPerPixelOffTheCellCentres() {
        RbfFieldConfig c = RbfFieldConfig.imageDefaults(512, 512, 500_000);
        assertArrayEquals(new int[] {31, 127, 511}, c.gridResolutions());
        assertEquals(1, c.gridFeatures());
        assertTrue(c.kernelsFor(500_000) > 3000, "kernels " + c.kernelsFor(500_000));
        // a large photo: the finest level is capped at 55% of the budget
        RbfFieldConfig big = RbfFieldConfig.imageDefaults(4000, 3000, 500_000);
        assertEquals(523, big.gridResolutions()[2]);
        assertTrue(big.fixedParameterCount() < 0.6 * 500_000 && big.kernelsFor(500_000) > 3000);
        // a tiny one: at least one cell per level
        assertArrayEquals(new int[] {1, 1, 7}, RbfFieldConfig.imageDefaults(8, 6, 500_000).gridResolutions());
    }
}
