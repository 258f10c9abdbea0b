package dev.graft.config;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * A set of backbone stages, written {@code all}, {@code none} or a list such as {@code [stem, stage1]}.
 * Stage names are checked against the chosen architecture by {@link ExperimentConfig}.
 */
public record StageSelection(boolean all, List<String> stages) {
    public StageSelection {
        stages = List.copyOf(stages);
    }

    public static StageSelection none() {
        return new StageSelection(false, List.of());
    }

    public static StageSelection allStages() {
        return new StageSelection(true, List.of());
    }

    public static StageSelection of(String... stages) {
        return new StageSelection(false, List.of(stages));
    }

    /** The concrete stage names for an architecture, in forward order. */
    public List<String> resolve(Arch arch) {
        if (all) {
            return arch.stages();
        }
        return arch.stages().stream().filter(stages::contains).toList();
    }

    public boolean isEmpty() {
        return !all && stages.isEmpty();
    }

    /** Adds an error for every stage name the architecture does not have. */
    public void checkAgainst(Arch arch, String path, ConfigErrors errors) {
        for (int i = 0; i < stages.size(); i++) {
            String stage = stages.get(i);
            if (!arch.stages().contains(stage)) {
                errors.add(path + "[" + i + "]", "unknown stage '" + stage + "' for " + arch.id()
                        + " (one of " + String.join(", ", arch.stages()) + ")");
            }
        }
    }

    public static StageSelection fromYaml(JsonNode node, String path, ConfigErrors errors, RecordBinder binder) {
        if (node.isTextual()) {
            String text = node.asText();
            if (text.equalsIgnoreCase("all")) {
                return allStages();
            }
            if (text.equalsIgnoreCase("none")) {
                return none();
            }
            return of(text); // a single stage name; checked against the arch later
        }
        if (node.isArray()) {
            List<String> names = new ArrayList<>();
            for (int i = 0; i < node.size(); i++) {
                JsonNode item = node.get(i);
                if (!item.isTextual()) {
                    errors.add(path + "[" + i + "]", "must be a stage name (was " + RecordBinder.describe(item) + ")");
                } else if (names.contains(item.asText())) {
                    errors.add(path + "[" + i + "]", "stage '" + item.asText() + "' is listed twice");
                } else {
                    names.add(item.asText());
                }
            }
            return new StageSelection(false, names);
        }
        errors.add(path, "must be all, none or a list of stages such as [stem, stage1] (was "
                + RecordBinder.describe(node) + ")");
        return null;
    }

    @JsonValue
    public Object yaml() {
        if (all) {
            return "all";
        }
        return stages.isEmpty() ? "none" : stages;
    }
}
