package dev.graft.data;

import dev.graft.config.ConfigError;
import dev.graft.config.ConfigException;
import dev.graft.config.PosWeight;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@code head.pos_weight} turned into one weight per label from the training split's targets (issue 17). */
class PositiveWeightsTest {
    private static final float U = Float.NaN;
    private static final List<String> LABELS = List.of("common", "rare", "unknownish", "never", "always");

    /** 10 training images: common 5+/5-, rare 1+/9-, unknownish 1+/2- and 7 unknown, never 0+, always 0-. */
    private static List<float[]> targets() {
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            float unknownish = i == 0 ? 1 : i < 3 ? 0 : U;
            out.add(new float[] {i < 5 ? 1 : 0, i == 9 ? 1 : 0, unknownish, 0, 1});
        }
        return out;
    }

    @Test
    void autoIsNegativesOverPositivesPerLabelWithoutTheUnknownCells() {
        float[] w = ClassBalance.positiveWeights(PosWeight.auto(), targets(), LABELS);
        assertArrayEquals(new float[] {1f, 9f, 2f, 1f, 1f}, w, 1e-6f,
                "5/5, 9/1, 2/1 (7 unknown cells not counted), and 1 for a label without positives or negatives");
    }

    @Test
    void autoCapsAVeryRareLabel() {
        List<float[]> targets = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            targets.add(new float[] {i == 0 ? 1 : 0});
        }
        assertArrayEquals(new float[] {(float) PosWeight.AUTO_CAP},
                ClassBalance.positiveWeights(PosWeight.auto(), targets, List.of("hernia")), 0f, "999 capped");
    }

    @Test
    void noneListAndMap() {
        assertNull(ClassBalance.positiveWeights(PosWeight.none(), targets(), LABELS));
        PosWeight list = new PosWeight(PosWeight.Mode.LIST, List.of(1.0, 2.0, 3.0, 4.0, 5.0), Map.of());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5}, ClassBalance.positiveWeights(list, targets(), LABELS));
        PosWeight map = new PosWeight(PosWeight.Mode.MAP, List.of(), Map.of("rare", 20.0));
        assertArrayEquals(new float[] {1, 20, 1, 1, 1}, ClassBalance.positiveWeights(map, targets(), LABELS));
    }

    @Test
    void aListOfTheWrongLengthOrAMapNamingAnUnknownLabelIsAConfigError() {
        PosWeight list = new PosWeight(PosWeight.Mode.LIST, List.of(1.0, 2.0), Map.of());
        ConfigException e = assertThrows(ConfigException.class,
                () -> ClassBalance.positiveWeights(list, targets(), LABELS));
        assertEquals(List.of("head.pos_weight: has 2 weights for 5 labels " + LABELS
                + " (one weight per label, in that order)"), e.errors().stream().map(ConfigError::toString).toList());
        PosWeight map = new PosWeight(PosWeight.Mode.MAP, List.of(), Map.of("rar", 20.0));
        e = assertThrows(ConfigException.class, () -> ClassBalance.positiveWeights(map, targets(), LABELS));
        String message = e.errors().get(0).toString();
        assertEquals(true, message.startsWith("head.pos_weight.rar: unknown 'rar' (did you mean 'rare'?"), message);
    }
}
