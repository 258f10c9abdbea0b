package dev.graft.train;

import dev.graft.config.ScheduleConfig;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.learning.config.Adam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LrScheduleTest {
    private static LrSchedule schedule(ScheduleConfig.Type type, int warmupEpochs) {
        // 10 epochs x 10 batches; step every 3 epochs.
        return LrSchedule.of(new ScheduleConfig(type, warmupEpochs, 3, 0.5, 0.001, 0.3), 0.1, 1.0, 10, 10);
    }

    @Test
    void warmupRisesLinearlyThenConstant() {
        LrSchedule s = schedule(ScheduleConfig.Type.CONSTANT, 2);
        assertEquals(0.1 * 1 / 20, s.valueAt(0, 0), 1e-12);
        assertEquals(0.1 * 10 / 20, s.valueAt(9, 0), 1e-12);
        assertEquals(0.1, s.valueAt(19, 1), 1e-12);
        assertEquals(0.1, s.valueAt(20, 2), 1e-12);
        assertEquals(0.1, s.valueAt(99, 9), 1e-12);
    }

    @Test
    void stepDecaysEveryStepSizeEpochs() {
        LrSchedule s = schedule(ScheduleConfig.Type.STEP, 0);
        assertEquals(0.1, s.valueAt(29, 2), 1e-12);
        assertEquals(0.05, s.valueAt(30, 3), 1e-12);
        assertEquals(0.025, s.valueAt(60, 6), 1e-12);
    }

    @Test
    void cosineGoesFromBaseToMin() {
        LrSchedule s = schedule(ScheduleConfig.Type.COSINE, 0);
        assertEquals(0.1, s.valueAt(0, 0), 1e-12);
        assertEquals((0.1 + 0.001) / 2, s.valueAt(50, 5), 1e-12);
        assertEquals(0.001, s.valueAt(100, 10), 1e-12);
        assertTrue(s.valueAt(40, 4) > s.valueAt(41, 4));
    }

    @Test
    void onecycleRisesToBaseThenAnneals() {
        LrSchedule s = schedule(ScheduleConfig.Type.ONECYCLE, 0);
        assertEquals(0.1 / 25, s.valueAt(0, 0), 1e-12);
        assertEquals(0.1, s.valueAt(30, 3), 1e-12, "peak after pct_start = 0.3 of 100 iterations");
        assertEquals(0.001, s.valueAt(100, 10), 1e-12);
    }

    @Test
    void multiplierScalesAndSurvivesTheModelJson() {
        LrSchedule s = schedule(ScheduleConfig.Type.COSINE, 1).withMultiplier(0.1);
        assertEquals(0.1 * schedule(ScheduleConfig.Type.COSINE, 1).valueAt(37, 3), s.valueAt(37, 3), 1e-15);
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .updater(Adam.builder().learningRateSchedule(s).build())
                .graphBuilder().addInputs("in")
                .addLayer("out", new OutputLayer.Builder().nIn(2).nOut(2).build(), "in").setOutputs("out").build();
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(conf.toJson());
        var vertex = (org.deeplearning4j.nn.conf.graph.LayerVertex) back.getVertices().get("out");
        BaseLayer layer = (BaseLayer) vertex.getLayerConf().getLayer();
        Adam adam = (Adam) layer.getIUpdater();
        assertEquals(s.valueAt(37, 3), adam.getLearningRateSchedule().valueAt(37, 3), 1e-15,
                "the schedule is saved with the model, so a resumed run continues at the same rate");
    }
}
