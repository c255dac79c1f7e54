package kernelfield.fields;

import kernelfield.engine.data.Camera;
import kernelfield.engine.data.FloatImage;

/**
 * A model that forms images: renders a camera view and back-propagates an image gradient into its
 * parameters' gradient arrays.
 */
public interface ImageFormation {

    /** Renders {@code camera}'s view over {@code background (3)}: an RGB image {@code (H, W, 3)}. */
    FloatImage render(Camera camera, float[] background);

    /**
     * Adds the gradient of a loss into the parameters, given {@code dLdImage (H, W, 3)} for the view
     * rendered last by {@link #render}. Modifies the parameter gradients only.
     */
    void backward(float[] dLdImage);
}
