package kernelfield.reconstruction.surface;

import java.io.Serializable;
import java.util.Objects;

import kernelfield.fields.nks.VoxelHierarchy;

/**
 * One tile of a tiled reconstruction: a cube of a regular octree level over a common lattice,
 * named by its integer coordinates (its octree key is their Morton code), plus a halo. Tiles of
 * one run share a {@link Grid}, so their lattices coincide and their meshes meet on the shared
 * faces. A tile's reconstruction ({@link TiledReconstruction#reconstructTile}) is a pure function of
 * the tile and the points inside its halo box; it polygonizes only the lattice cells the tile owns.
 * Immutable and serializable (to ship tiles to other workers).
 *
 * @param x    tile coordinate along x, {@code >= 0}
 * @param y    tile coordinate along y, {@code >= 0}
 * @param z    tile coordinate along z, {@code >= 0}
 * @param grid the common frame of all tiles of the run
 */
public record Tile(int x, int y, int z, Grid grid) implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * The frame shared by the tiles of a run.
     *
     * @param originX       common origin (corner of voxel (0, 0, 0) on every level), x
     * @param originY       common origin, y
     * @param originZ       common origin, z
     * @param voxelSize     finest voxel size {@code h0}
     * @param noise         noise estimate of the whole cloud (input units)
     * @param subdivision   marching-cubes cells per finest voxel edge
     * @param voxelsPerTile tile edge in finest voxels, {@code >= 8}
     * @param haloVoxels    halo width in finest voxels, {@code >= 1}
     */
    public record Grid(double originX, double originY, double originZ, double voxelSize, double noise, int subdivision,
            int voxelsPerTile, int haloVoxels) implements Serializable {
        private static final long serialVersionUID = 1L;

        public Grid {
            if (!(voxelSize > 0) || !Double.isFinite(voxelSize)) throw new IllegalArgumentException("voxel size " + voxelSize);
            if (subdivision < 1 || subdivision > 4) throw new IllegalArgumentException("subdivision " + subdivision);
            if (voxelsPerTile < 8) throw new IllegalArgumentException("voxels per tile " + voxelsPerTile + " < 8");
            if (haloVoxels < 1) throw new IllegalArgumentException("halo " + haloVoxels + " < 1");
        }

        /** Tile edge length in input units. */
        public double tileSize() {
            return voxelsPerTile * voxelSize;
        }

        /** Tile coordinate of a position along one axis (origin component {@code o}). */
        int tileOf(double v, double o) {
            return (int) Math.floor((v - o) / tileSize());
        }
    }

    public Tile {
        Objects.requireNonNull(grid, "grid");
        if (x < 0 || y < 0 || z < 0 || x >= VoxelHierarchy.AXIS_LIMIT || y >= VoxelHierarchy.AXIS_LIMIT || z >= VoxelHierarchy.AXIS_LIMIT) {
            throw new IllegalArgumentException("tile coordinates out of range: " + x + ", " + y + ", " + z);
        }
    }

    /** Octree key: the Morton code of {@code (x, y, z)}. */
    public long key() {
        return VoxelHierarchy.morton(x, y, z);
    }

    /**
     * The halo box {@code (6)}: min x, y, z, max x, y, z: the tile's cube grown by the halo. The
     * points inside it are the tile's input.
     */
    public double[] haloBox() {
        double t = grid.tileSize(), hw = grid.haloVoxels() * grid.voxelSize();
        return new double[] {grid.originX() + x * t - hw, grid.originY() + y * t - hw, grid.originZ() + z * t - hw,
                grid.originX() + (x + 1) * t + hw, grid.originY() + (y + 1) * t + hw, grid.originZ() + (z + 1) * t + hw};
    }

    /** The lattice cells the tile owns, {@code [lo, hi)} per axis: lo {@code (3)}. */
    int[] ownedLo() {
        int c = grid.voxelsPerTile() * grid.subdivision();
        return new int[] {x * c, y * c, z * c};
    }

    /** Upper bounds (exclusive) of the owned lattice cells {@code (3)}. */
    int[] ownedHi() {
        int c = grid.voxelsPerTile() * grid.subdivision();
        return new int[] {(x + 1) * c, (y + 1) * c, (z + 1) * c};
    }
}
