package dev.graft.arch;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The package rules of the README's architecture section: data flows one way, config depends on nothing
 * of Graft's, and nothing imports the CLI. The root package {@code dev.graft} (GraftException, AtomicFiles)
 * is shared by all.
 */
class ArchitectureTest {
    /** Package -> the Graft packages it may use (besides itself and the root package). */
    static final Map<String, List<String>> ALLOWED = new LinkedHashMap<>();

    static {
        ALLOWED.put("config", List.of());
        ALLOWED.put("metrics", List.of());
        ALLOWED.put("run", List.of("config"));
        ALLOWED.put("backbone", List.of("config"));
        ALLOWED.put("data", List.of("config"));
        ALLOWED.put("model", List.of("config", "backbone"));
        ALLOWED.put("train", List.of("config", "data", "model", "backbone", "metrics", "run"));
        ALLOWED.put("export", List.of("config", "model", "backbone", "data", "run", "metrics"));
        ALLOWED.put("serve", List.of("export", "config"));
        ALLOWED.put("distributed", List.of("config", "data", "model", "train", "metrics", "run"));
        ALLOWED.put("sweep", List.of("config", "train", "run", "distributed")); // Spark context of executor: spark
    }

    static JavaClasses graft;

    @BeforeAll
    static void importClasses() {
        // Main classes only (test-classes may sit in any build folder, so match the folder name itself).
        ImportOption mainOnly = location -> !location.contains("/test-classes/");
        graft = new ClassFileImporter().withImportOption(mainOnly).importPackages("dev.graft");
    }

    @TestFactory
    Stream<DynamicTest> packagesOnlyUseWhatTheyMay() {
        return ALLOWED.entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () -> {
            List<String> allowed = new ArrayList<>();
            allowed.add("dev.graft." + e.getKey() + "..");
            e.getValue().forEach(p -> allowed.add("dev.graft." + p + ".."));
            classes().that().resideInAPackage("dev.graft." + e.getKey() + "..")
                    .should().onlyDependOnClassesThat(resideOutsideOfPackage("dev.graft..")
                            .or(resideInAnyPackage("dev.graft"))
                            .or(resideInAnyPackage(allowed.toArray(String[]::new))))
                    .allowEmptyShould(false)
                    .check(graft);
        }));
    }

    @Test
    void everyPackageHasARule() {
        // A new or renamed package must get its line in ALLOWED (and in the README table).
        java.util.Set<String> packages = new java.util.TreeSet<>();
        graft.forEach(c -> {
            String name = c.getPackageName();
            if (name.startsWith("dev.graft.")) {
                packages.add(name.substring("dev.graft.".length()).split("\\.")[0]);
            }
        });
        packages.remove("cli");
        org.junit.jupiter.api.Assertions.assertEquals(new java.util.TreeSet<>(ALLOWED.keySet()), packages);
    }

    @Test
    void nothingImportsTheCli() {
        noClasses().that().resideOutsideOfPackage("dev.graft.cli..")
                .should().dependOnClassesThat().resideInAPackage("dev.graft.cli..")
                .check(graft);
    }

    @Test
    void rootPackageDependsOnNoGraftPackage() {
        classes().that().resideInAPackage("dev.graft")
                .should().onlyDependOnClassesThat(resideOutsideOfPackage("dev.graft..")
                        .or(resideInAnyPackage("dev.graft")))
                .check(graft);
    }
}
