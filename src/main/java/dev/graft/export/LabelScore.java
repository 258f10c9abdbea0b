package dev.graft.export;

/**
 * One class and its probability.
 *
 * @param index the class's position in the model's outputs (and in {@code labels.json})
 */
public record LabelScore(int index, String label, float probability) {
}
