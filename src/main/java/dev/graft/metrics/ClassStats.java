package dev.graft.metrics;

/** Precision, recall and F1 of one class; {@code support} is how many examples truly belong to it. */
public record ClassStats(String name, double precision, double recall, double f1, long support) {
}
