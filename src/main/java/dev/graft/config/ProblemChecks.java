package dev.graft.config;

import dev.graft.config.HeadConfig.Problem;

/**
 * The checks {@code head.problem} needs across sections: a multi-label or regression head reads its targets from a
 * CSV manifest, monitors its own metrics, and refuses the single-label-only features (class weights, the balanced
 * sampler, label smoothing, calibration).
 */
final class ProblemChecks {
    private final ExperimentConfig config;
    private final Problem problem;

    ProblemChecks(ExperimentConfig config) {
        this.config = config;
        this.problem = config.head().problem();
    }

    void check(ConfigErrors errors) {
        monitors(errors);
        CsvConfig csv = config.data().csv();
        if (csv != null && !csv.noLabel().isEmpty()) {
            errors.check(problem == Problem.MULTI_LABEL && !csv.perLabelColumns(), "data.csv.no_label",
                    "names the label_column cell that means 'no label' of a head.problem: multi_label manifest");
        }
        if (problem == Problem.SINGLE_LABEL) {
            if (csv != null) {
                errors.check(!csv.perLabelColumns(), "data.csv.label_columns",
                        "goes with head.problem: multi_label (one 1/0 column per label)");
            }
            return;
        }
        errors.check(csv != null, "head.problem", problem + " reads its targets from a CSV manifest: set data.csv "
                + "(folders of classes give one class per image)");
        if (csv != null && problem == Problem.REGRESSION) {
            errors.check(!csv.perLabelColumns(), "data.csv.label_columns",
                    "goes with head.problem: multi_label; a regression target is the number in data.csv.label_column");
        }
        DataConfig data = config.data();
        if (problem == Problem.REGRESSION) {
            errors.check(data.classes().isEmpty(), "data.classes", "has no meaning for a regression head");
        }
        errors.check(data.positiveClass() == null, "data.positive_class", "is for a binary single-label head");
        errors.check(data.classWeights().mode() == ClassWeights.Mode.NONE, "data.class_weights",
                "is for a single-label head (must be none with head.problem: " + problem + ")");
        errors.check(data.sampler() == DataConfig.Sampler.SHUFFLE, "data.sampler",
                "balanced oversamples classes of a single-label head; use shuffle with head.problem: " + problem);
        errors.check(config.train().labelSmoothing() == 0, "train.label_smoothing",
                "is for a single-label head (must be 0 with head.problem: " + problem + ")");
        errors.check(config.train().loss().kind() == TrainLoss.Kind.CROSS_ENTROPY, "train.loss",
                "chooses a single-label head's loss; a " + problem + " head trains with "
                        + (problem == Problem.MULTI_LABEL ? "binary cross-entropy (see head.pos_weight)"
                        : "head.loss (mse, l1, huber)"));
        errors.check(config.evaluation().calibration() == EvaluationConfig.Calibration.NONE,
                "evaluation.calibration", "temperature scaling is for a softmax head; use none with head.problem: "
                        + problem);
    }

    private void monitors(ConfigErrors errors) {
        Monitor.checkFor(problem, config.checkpoint().monitor(), "checkpoint.monitor", errors);
        Monitor.checkFor(problem, config.train().earlyStopping().monitor(), "train.early_stopping.monitor", errors);
    }
}
