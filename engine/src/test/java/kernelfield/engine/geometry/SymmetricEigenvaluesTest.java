package kernelfield.engine.geometry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

class SymmetricEigenvaluesTest {
    @Test
    void eigenvaluesAscendingForRotatedAndDiagonalMatrices() {
        double[] ev = new double[3];
        // diag(1, 2, 3) rotated about z by 30 degrees in the xy block
        double c = Math.cos(Math.PI / 6), s = Math.sin(Math.PI / 6);
        double xx = c * c * 1 + s * s * 2, yy = s * s * 1 + c * c * 2, xy = c * s * (2 - 1);
        SymmetricEigenvalues.of(xx, yy, 3, xy, 0, 0, ev);
        assertArrayEquals(new double[] {1, 2, 3}, ev, 1e-12);
        SymmetricEigenvalues.of(3, 1, 2, 0, 0, 0, ev);
        assertArrayEquals(new double[] {1, 2, 3}, ev, 0);
        SymmetricEigenvalues.of(0, 0, 0, 0, 0, 0, ev);
        assertArrayEquals(new double[] {0, 0, 0}, ev, 0);
        // a full matrix: [[2, 1, 0], [1, 2, 1], [0, 1, 2]] has eigenvalues 2 - sqrt 2, 2, 2 + sqrt 2
        SymmetricEigenvalues.of(2, 2, 2, 1, 0, 1, ev);
        assertArrayEquals(new double[] {2 - Math.sqrt(2), 2, 2 + Math.sqrt(2)}, ev, 1e-12);
    }
}
