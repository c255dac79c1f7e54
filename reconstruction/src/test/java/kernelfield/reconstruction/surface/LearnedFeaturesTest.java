package kernelfield.reconstruction.surface;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import kernelfield.engine.data.PointCloud;
import kernelfield.fields.nks.KernelFeatures;
import org.junit.jupiter.api.Test;

class LearnedFeaturesTest {
    @Test
    void unitFeaturesGiveTheSameMeshAsNoFeaturesAndOthersChangeIt() {
        PointCloud pc = SurfaceReconstructionTest.sphere(3000, 0.5, 31).withNormals(null);
        SurfaceReconstruction.Options o = SurfaceReconstruction.Options.defaults().withThreads(2);
        SurfaceReconstruction.Result off = SurfaceReconstruction.reconstruct(pc, o.withFeatures(LearnedFeatures.off()), null);
        SurfaceReconstruction.Result unit = SurfaceReconstruction.reconstruct(pc,
                o.withFeatures(LearnedFeatures.on(KernelFeatures.Model.identity())), null);
        assertArrayEquals(off.mesh().vertices(), unit.mesh().vertices());
        assertArrayEquals(off.mesh().triangles(), unit.mesh().triangles());
        KernelFeatures.Model smooth = new KernelFeatures.Model(new double[KernelFeatures.DESCRIPTORS], -1, 0, 2);
        SurfaceReconstruction.Result s = SurfaceReconstruction.reconstruct(pc, o.withFeatures(LearnedFeatures.on(smooth)), null);
        assertFalse(java.util.Arrays.equals(off.mesh().vertices(), s.mesh().vertices()), "a smoothing model changes the surface");
    }

    @Test
    void parseAndDefaults() {
        assertEquals(LearnedFeatures.Mode.OFF, LearnedFeatures.parse("off").mode());
        assertEquals(LearnedFeatures.Mode.ON, LearnedFeatures.parse(" ON ").mode());
        assertEquals(LearnedFeatures.Mode.AUTO, LearnedFeatures.parse("auto").mode());
        assertThrows(IllegalArgumentException.class, () -> LearnedFeatures.parse("sometimes"));
        assertEquals(LearnedFeatures.Mode.AUTO, SurfaceReconstruction.Options.defaults().features().mode());
        assertEquals(LearnedFeatures.Mode.OFF, SurfaceReconstruction.Options.defaults().withFeatures(LearnedFeatures.off()).withDetail(0.3)
                .features().mode());
    }
}
