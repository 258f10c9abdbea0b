/**
 * Hyperparameter sweeps over experiment configs ({@code graft sweep}). Arbiter (1.0.0-beta7, arbiter-core)
 * generates the candidates (random or grid search over a {@link dev.graft.sweep.SweepSpace}) and runs the
 * optimisation loop ({@code LocalOptimizationRunner}, one or {@code parallel} trials at a time); each trial is a
 * full Graft training run in its own run folder under the sweep's folder. {@link dev.graft.sweep.SweepRunner}
 * is the entry point; the sweep's record ({@code sweep-state.json}, {@code trials.csv}) makes it resumable.
 * Uses config, train and run only: the trainer itself is passed in as a {@link dev.graft.sweep.TrialTrainer}.
 */
package dev.graft.sweep;
