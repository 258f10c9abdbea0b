package dev.graft.config;

/** {@code data.split:} seeded, stratified fractions held out of {@code data.root} or a CSV manifest. */
public record SplitConfig(
        @Doc("Fraction for validation (stratified, seeded)")
        double val,
        @Doc("Fraction for test")
        double test,
        @Doc("Keep each group in one split: a CSV column (lesion_id) or a regex on the file name (person\\d+)")
        String group) implements ConfigSection {
    public static SplitConfig defaults() {
        return new SplitConfig(0.2, 0.0, null);
    }

    @Override
    public void validate(String path, ConfigErrors errors) {
        errors.check(val > 0 && val < 1, path + ".val", "must be in (0, 1) (was " + ConfigErrors.fmt(val) + ")");
        errors.inRange(path + ".test", test, 0, 1);
        errors.check(val + test < 1, path, "val + test must be < 1 (was " + ConfigErrors.fmt(val + test) + ")");
        errors.check(group == null || !group.isBlank(), path + ".group",
                "must name a CSV column or a regular expression on the file name (or be left out)");
    }
}
