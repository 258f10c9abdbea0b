package dev.graft.config;

import java.util.Locale;

/**
 * {@code train.optimizer:} the update rule. {@code momentum}/{@code nesterov} apply to sgd,
 * {@code beta1}/{@code beta2}/{@code epsilon} to adam and adamw; {@code weight_decay} to all
 * (decoupled for adamw, L2 for the others).
 */
public record OptimizerConfig(
        @Doc("sgd, adam or adamw")
        Type type,
        @Doc("Base learning rate (the head's; unfrozen stages scale it)")
        double lr,
        @Doc("SGD momentum")
        double momentum,
        @Doc("SGD Nesterov momentum (DL4J has no plain momentum, so sgd with momentum requires it)")
        boolean nesterov,
        @Doc("Weight decay (decoupled for adamw)")
        double weightDecay,
        @Doc("Adam beta1")
        double beta1,
        @Doc("Adam beta2")
        double beta2,
        @Doc("Adam epsilon")
        double epsilon) implements ConfigSection {
    public enum Type {
        SGD, ADAM, ADAMW;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static OptimizerConfig defaults() {
        return new OptimizerConfig(Type.ADAMW, 1e-3, 0.9, true, 1e-4, 0.9, 0.999, 1e-8);
    }

    @Override
    public void validate(String path, ConfigErrors errors) {
        errors.positive(path + ".lr", lr);
        errors.inRange(path + ".momentum", momentum, 0, 1);
        errors.nonNegative(path + ".weight_decay", weightDecay);
        errors.inRange(path + ".beta1", beta1, 0, 1);
        errors.inRange(path + ".beta2", beta2, 0, 1);
        errors.positive(path + ".epsilon", epsilon);
        // DL4J's only momentum updater is Nesterovs; better to say so than to silently change the method.
        errors.check(type != Type.SGD || momentum == 0 || nesterov, path + ".nesterov",
                "sgd with momentum needs nesterov: true (DL4J implements Nesterov momentum only), or momentum: 0");
    }
}
