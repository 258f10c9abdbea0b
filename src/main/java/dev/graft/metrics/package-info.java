/**
 * Classification metrics computed from predicted probabilities and true labels: loss, top-1, top-k (k capped
 * at the class count), per-class precision / recall / F1, balanced accuracy, macro-F1 and the confusion
 * matrix. Pure Java; no other Graft package.
 */
package dev.graft.metrics;
