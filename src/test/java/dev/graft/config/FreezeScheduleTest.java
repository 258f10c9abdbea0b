package dev.graft.config;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which stages are frozen in each epoch, and the rules the validator enforces, from the same schedule. */
class FreezeScheduleTest {
    private static FreezeSchedule schedule(StageSelection freeze, UnfreezeStep... steps) {
        return new FreezeSchedule(Arch.RESNET50, freeze, List.of(steps));
    }

    @Test
    void stepsReleaseStagesFromTheirEpochOn() {
        FreezeSchedule s = schedule(StageSelection.allStages(),
                new UnfreezeStep(5, StageSelection.of("stage3"), 0.1),
                new UnfreezeStep(3, StageSelection.of("stage4"), 0.5));
        assertEquals(List.of("stem", "stage1", "stage2", "stage3", "stage4"), s.frozenAt(2));
        assertEquals(List.of("stem", "stage1", "stage2", "stage3"), s.frozenAt(3));
        assertEquals(List.of("stem", "stage1", "stage2"), s.frozenAt(5));
        assertEquals(Map.of("stage3", 0.1, "stage4", 0.5), s.multipliers(), "each stage trains at its step's lr_mult");
        ConfigErrors errors = new ConfigErrors();
        s.check(errors);
        assertTrue(errors.isEmpty(), errors.list().toString());
    }

    @Test
    void releasingAStageThatIsNotFrozenOrLeavingAGapIsAnError() {
        ConfigErrors errors = new ConfigErrors();
        schedule(StageSelection.of("stem", "stage1"), new UnfreezeStep(2, StageSelection.of("stem"), 1),
                new UnfreezeStep(3, StageSelection.of("stage3"), 1)).check(errors);
        String all = errors.list().toString();
        assertTrue(all.contains("train.unfreeze[0].stages") && all.contains("frozen stages must be the first ones"),
                all);
        assertTrue(all.contains("train.unfreeze[1].stages") && all.contains("stage 'stage3' is not frozen"), all);
    }

    @Test
    void aValidScheduleHasNoErrors() {
        ConfigErrors errors = new ConfigErrors();
        schedule(StageSelection.of("stem", "stage1"), new UnfreezeStep(2, StageSelection.of("stage1"), 1))
                .check(errors);
        assertTrue(errors.isEmpty(), errors.list().toString());
    }
}
