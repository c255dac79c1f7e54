package kernelfield.fields.rbf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import kernelfield.engine.optim.ParamBlock;

/**
 * An {@link RbfField} with the GNF decoder: forward values against the float64 twin and every
 * gradient (kernels, grid, decoder centres, log-scales, weights, biases, points) against float64
 * finite differences, as {@link RbfFieldGradientTest} does for the MLP decoder.
 */
class GnfFieldTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(2, RbfKernel.INVERSE_QUADRATIC, true, 20),
                Arguments.of(-2, RbfKernel.GAUSSIAN, true, 37),
                Arguments.of(3, RbfKernel.WENDLAND, false, 5),
                Arguments.of(-3, RbfKernel.INVERSE_QUADRATIC, true, 64));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void forwardMatchesFloat64Twin(int dimArg, RbfKernel kernel, boolean composed, int neurons) {
        RbfField f = RbfFieldGradientTest.makeField(dimArg, kernel, composed, false, 7, neurons);
        assertNull(f.decoder());
        assertNotNull(f.gaussianDecoder());
        RbfFieldGradientTest.assertForwardMatchesTwin(f, Math.abs(dimArg));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void gradientsMatchFiniteDifferences(int dimArg, RbfKernel kernel, boolean composed, int neurons) {
        RbfField f = RbfFieldGradientTest.makeField(dimArg, kernel, composed, false, 3, neurons);
        RbfFieldGradientTest.assertGradientsMatchFiniteDifferences(f, Math.abs(dimArg));
    }

    @Test
    void blocksAndParameterCountFollowTheConfig() {
        RbfField f = RbfFieldGradientTest.makeField(2, RbfKernel.GAUSSIAN, true, true, 1, 24);
        RbfFieldConfig c = f.config();
        assertEquals(RbfFieldConfig.Decoder.GNF, c.decoder());
        int fw = c.featureWidth();
        assertArrayEquals(new int[] {24, fw}, shape(f.params().get("decoder.gnf.centers")));
        assertArrayEquals(new int[] {24, fw}, shape(f.params().get("decoder.gnf.log_scales")));
        assertArrayEquals(new int[] {2, 24}, shape(f.params().get("decoder.gnf.weight")));
        assertArrayEquals(new int[] {2, 1}, shape(f.params().get("decoder.gnf.bias")));
        for (ParamBlock b : f.params().blocks()) {
            if (b.name().startsWith("decoder.")) assertEquals("decoder", b.lrGroup(), b.name());
        }
        long kernels = f.basis().size();
        assertEquals(c.fixedParameterCount() + kernels * c.parametersPerKernel(), f.parameterCount());
        // the with... methods keep the decoder; withMlpDecoder goes back
        assertEquals(RbfFieldConfig.Decoder.GNF, c.withSeed(4).withChannels(3, 1f, 2f, 8).withNormalize(true).decoder());
        assertEquals(24, c.withOutputs(3).neurons());
        assertEquals(RbfFieldConfig.Decoder.MLP, c.withMlpDecoder().decoder());
        assertEquals(RbfFieldConfig.Decoder.MLP, RbfFieldConfig.imageDefaults(64, 48).decoder());
    }

    private static int[] shape(ParamBlock b) {
        return new int[] {b.rows(), b.cols()};
    }
}
