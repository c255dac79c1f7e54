package kernelfield.fields.splat;

import kernelfield.engine.data.Camera;
import kernelfield.engine.data.FloatImage;
import kernelfield.fields.ImageFormation;

/**
 * A Gaussian set with the CPU rasterizer, as an {@link ImageFormation}: {@link #render} keeps the
 * frame so that {@link #backward} can add the gradients of the view it produced. Not thread-safe.
 */
public final class SplatModel implements ImageFormation, AutoCloseable {
    private final GaussianSet gaussians;
    private final SplatRasterCpu raster;
    private final SplatFrame frame = new SplatFrame();
    private boolean rendered;

    public SplatModel(GaussianSet gaussians, SplatRasterSettings settings) {
        this.gaussians = gaussians;
        this.raster = new SplatRasterCpu(settings);
    }

    public GaussianSet gaussians() {
        return gaussians;
    }

    @Override
    public FloatImage render(Camera camera, float[] background) {
        raster.forward(gaussians, camera, background, frame);
        rendered = true;
        return frame.toImage();
    }

    @Override
    public void backward(float[] dLdImage) {
        if (!rendered) throw new IllegalStateException("backward before render");
        raster.backward(frame, dLdImage);
    }

    @Override
    public void close() {
        raster.close();
    }
}
