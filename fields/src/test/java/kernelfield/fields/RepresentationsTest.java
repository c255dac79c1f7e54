package kernelfield.fields;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RepresentationsTest {
    @Test
    void registeredByShortName() {
        assertEquals("splat", Representations.get("splat").name());
        assertTrue(Representations.get("splat").capabilities().contains(ImageFormation.class));
        assertTrue(Representations.get("nks").capabilities().contains(DistanceField.class));
        assertTrue(Representations.get("rbf").capabilities().contains(DistanceField.class));
        for (Representation r : Representations.all()) {
            assertTrue(r.name().matches("[a-z]+"), r.name());
            assertEquals(r, Representations.get(r.name()));
        }
    }

    @Test
    void unknownNameListsTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Representations.get("nerf"));
        assertTrue(e.getMessage().contains("splat"), e.getMessage());
    }
}
