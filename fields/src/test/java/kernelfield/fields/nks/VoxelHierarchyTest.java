package kernelfield.fields.nks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import kernelfield.engine.compute.CpuDevice;
import org.junit.jupiter.api.Test;

class VoxelHierarchyTest {
    @Test
    void mortonRoundTripAndOrder() {
        Random r = new Random(3);
        for (int i = 0; i < 10000; i++) {
            int x = r.nextInt(VoxelHierarchy.AXIS_LIMIT), y = r.nextInt(VoxelHierarchy.AXIS_LIMIT), z = r.nextInt(VoxelHierarchy.AXIS_LIMIT);
            long k = VoxelHierarchy.morton(x, y, z);
            assertEquals(x, VoxelHierarchy.mortonX(k));
            assertEquals(y, VoxelHierarchy.mortonY(k));
            assertEquals(z, VoxelHierarchy.mortonZ(k));
        }
        assertEquals(1, VoxelHierarchy.morton(1, 0, 0));
        assertEquals(2, VoxelHierarchy.morton(0, 1, 0));
        assertEquals(4, VoxelHierarchy.morton(0, 0, 1));
    }

    @Test
    void levelsHoldTheDilatedOccupiedVoxelsWithNeighbourTables() {
        float[] s = {0.55f, 0.55f, 0.55f, 0.95f, 0.55f, 0.55f};
        VoxelHierarchy h = VoxelHierarchy.build(s, new double[] {0, 0, 0}, 0.1, 2, 1, false, CpuDevice.shared());
        // level 0: voxels (5,5,5) and (9,5,5) dilated by one: two disjoint 3x3x3 blocks
        assertEquals(54, h.level(0).size());
        // level 1 (size 0.2): voxels (2,2,2) and (4,2,2): blocks overlap in nothing (x 1..3 and 3..5 share x=3)
        assertEquals(27 + 27 - 9, h.level(1).size());
        VoxelHierarchy.Level l0 = h.level(0);
        int c = l0.find(5, 5, 5);
        assertTrue(c >= 0);
        for (int d = 0; d < 27; d++) assertTrue(l0.neighbours27()[27 * c + d] >= 0);
        int corner = l0.find(4, 4, 4);
        assertEquals(-1, l0.neighbours27()[27 * corner]);
        assertEquals(c, l0.neighbours27()[27 * corner + 26]);
        assertEquals(-1, l0.find(7, 5, 5));
        VoxelHierarchy dense = VoxelHierarchy.build(s, new double[] {0, 0, 0}, 0.1, 2, 1, true, CpuDevice.shared());
        assertEquals(5 * 3 * 3, dense.level(1).size());
    }

    @Test
    void rejectsBadInput() {
        double[] o = {0, 0, 0};
        assertThrows(IllegalArgumentException.class, () -> VoxelHierarchy.build(new float[] {Float.NaN, 1, 1}, o, 0.1, 1, 1, false, CpuDevice.shared()));
        assertThrows(IllegalArgumentException.class, () -> VoxelHierarchy.build(new float[] {0.05f, 1, 1}, o, 0.1, 1, 1, false, CpuDevice.shared()));
        assertThrows(IllegalArgumentException.class, () -> VoxelHierarchy.build(new float[] {1, 1, 1}, o, 0, 1, 1, false, CpuDevice.shared()));
        assertThrows(IllegalArgumentException.class, () -> VoxelHierarchy.build(new float[] {1, 1}, o, 0.1, 1, 1, false, CpuDevice.shared()));
    }

    @Test
    void neighbourTablesAgreeWithLookups() {
        // a random shell: sparse, blocks partly filled
        Random r = new Random(5);
        int n = 4000;
        float[] s = new float[3 * n];
        for (int i = 0; i < n; i++) {
            double x = r.nextGaussian(), y = r.nextGaussian(), z = r.nextGaussian(), l = Math.sqrt(x * x + y * y + z * z);
            s[3 * i] = (float) (1.5 + x / l);
            s[3 * i + 1] = (float) (1.5 + y / l);
            s[3 * i + 2] = (float) (1.5 + z / l);
        }
        VoxelHierarchy h = VoxelHierarchy.build(s, new double[] {0, 0, 0}, 0.05, 3, 1, true, CpuDevice.shared());
        for (int l = 0; l < h.levelCount(); l++) {
            VoxelHierarchy.Level lv = h.level(l);
            int[] nb = lv.neighbours27();
            for (int v = 0; v < lv.size(); v++) {
                long key = lv.keys()[v];
                int x = VoxelHierarchy.mortonX(key), y = VoxelHierarchy.mortonY(key), z = VoxelHierarchy.mortonZ(key);
                for (int d = 0; d < 27; d++) {
                    int dx = d % 3 - 1, dy = d / 3 % 3 - 1, dz = d / 9 - 1;
                    assertEquals(lv.find(x + dx, y + dy, z + dz), nb[27 * v + d], "level " + l + " voxel " + v + " offset " + d);
                }
            }
        }
    }
}
