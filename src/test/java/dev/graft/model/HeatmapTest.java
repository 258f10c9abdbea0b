package dev.graft.model;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Where {@link Heatmap#upsampled} puts a stage cell's value on the image. */
class HeatmapTest {
    @Test
    void aCellLandsOnThePixelItsReceptiveFieldIsCentredOnAndFadesLinearlyToItsNeighbours() {
        int stride = 4;
        float[][] map = new float[8][8];
        map[2][5] = 1f;
        float[][] up = Heatmap.upsampled(map, stride, 32, 32);
        assertEquals(1f, up[8][20], 1e-6f, "cell (2, 5) sits on pixel (8, 20)");
        assertEquals(0.5f, up[8][22], 1e-6f, "half way to the next cell");
        assertEquals(0.25f, up[6][18], 1e-6f, "half way in both directions");
        assertEquals(0f, up[8][24], 1e-6f, "the next cell's pixel");
        assertEquals(0f, up[12][20], 1e-6f);
        assertEquals(0f, up[4][20], 1e-6f);
    }

    @Test
    void pixelsPastTheLastCellKeepItsValue() {
        float[][] map = {{0f, 0f}, {0f, 1f}};
        float[][] up = Heatmap.upsampled(map, 32, 64, 64);
        assertEquals(1f, up[32][32], 1e-6f);
        assertEquals(1f, up[63][63], 1e-6f, "bottom-right pixels lie beyond cell (1, 1)'s centre");
        assertEquals(0f, up[0][0], 1e-6f, "cell (0, 0) sits on the top-left pixel");
        assertEquals(0.5f, up[16][32], 1e-6f);
    }

    @Test
    void aConstantMapStaysConstant() {
        float[][] map = new float[7][7];
        for (float[] row : map) {
            java.util.Arrays.fill(row, 0.3f);
        }
        for (float[] row : Heatmap.upsampled(map, 32, 224, 224)) {
            for (float v : row) {
                assertEquals(0.3f, v, 1e-6f);
            }
        }
    }
}
