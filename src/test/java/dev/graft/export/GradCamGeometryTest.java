package dev.graft.export;

import dev.graft.backbone.ResNetBuilder;
import dev.graft.backbone.ResNetSpec;
import dev.graft.backbone.Stage;
import dev.graft.backbone.Stages;
import dev.graft.model.Heatmap;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pixel {@link Heatmap#upsampled} puts a stage cell on is the centre of the cell's receptive field in the real
 * network: measured by changing one input pixel at a time and seeing which pixels change the cell's output. A map
 * drawn as a plain image resize would put the cell {@code (reduction - 1) / 2} pixels further right and down.
 */
class GradCamGeometryTest {
    @Test
    void cifarStageCellsSitOnTheCentreOfTheirReceptiveFields() {
        checkCentres(TinyClassifiers.cifar(), 32, List.of("stage3", "stage2"));
    }

    @Test
    void imagenetStageCellsSitOnTheCentreOfTheirReceptiveFields() {
        checkCentres(TinyClassifiers.imagenet(), 64, List.of("stage2", "stem"));
    }

    private static void checkCentres(ResNetSpec spec, int size, List<String> stageNames) {
        ComputationGraph model = TinyClassifiers.build(spec, size, TinyClassifiers.head(List.of(),
                dev.graft.config.HeadConfig.Activation.RELU, false), 3, List.of(), 7);
        boolean channelsLast = ResNetBuilder.layoutOf(spec) == CNN2DFormat.NHWC;
        for (String name : stageNames) {
            Stage stage = Stages.of(spec).get(name);
            int r = stage.reduction();
            int cells = size / r;
            int cell = cells / 2;
            int[] span = receptiveSpan(model, stage.endVertex(), channelsLast, size, r * cell, cell);
            assertTrue(span[0] > 0 && span[1] < size - 1, name + ": the field must lie inside the image to have a "
                    + "centre, got " + span[0] + ".." + span[1]);
            double centre = (span[0] + span[1]) / 2.0;
            assertEquals(r * cell, centre, 1e-9, name + " cell " + cell + ": receptive field " + span[0] + ".."
                    + span[1]);
            float[][] oneCell = new float[cells][cells];
            oneCell[cell][cell] = 1f;
            float[][] drawn = Heatmap.upsampled(oneCell, r, size, size);
            assertEquals(1f, drawn[(int) centre][(int) centre], 1e-6f, name + ": the map peaks on the field's centre");
        }
    }

    /**
     * First and last column {@code x} of image row {@code row} whose pixel changes the output of stage cell
     * {@code (cell, cell)}: each candidate image is a random one with that pixel pushed far up or down in all
     * channels.
     */
    private static int[] receptiveSpan(ComputationGraph model, String vertex, boolean channelsLast, int size, int row,
                                       int cell) {
        INDArray base = TinyClassifiers.images(1, size, 11);
        INDArray batch = base.repeat(0, 2 * size + 1);
        for (int x = 0; x < size; x++) {
            for (int c = 0; c < 3; c++) {
                batch.putScalar(new int[] {1 + 2 * x, c, row, x}, 50f);
                batch.putScalar(new int[] {2 + 2 * x, c, row, x}, -50f);
            }
        }
        INDArray out = model.feedForward(batch, false).get(vertex);
        INDArray at = channelsLast
                ? out.get(NDArrayIndex.all(), NDArrayIndex.point(cell), NDArrayIndex.point(cell), NDArrayIndex.all())
                : out.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(cell), NDArrayIndex.point(cell));
        INDArray reference = at.getRow(0);
        int first = -1;
        int last = -1;
        for (int x = 0; x < size; x++) {
            double change = Math.max(at.getRow(1 + 2 * x).sub(reference).amaxNumber().doubleValue(),
                    at.getRow(2 + 2 * x).sub(reference).amaxNumber().doubleValue());
            if (change > 1e-6) {
                first = first < 0 ? x : first;
                last = x;
            }
        }
        return new int[] {first, last};
    }
}
