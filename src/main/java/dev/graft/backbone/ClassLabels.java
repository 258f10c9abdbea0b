package dev.graft.backbone;

import dev.graft.GraftException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Class names for a classifier's outputs: ImageNet-1k's 1000 names in torchvision's wording and order
 * ({@code torchvision.models._meta._IMAGENET_CATEGORIES}), CIFAR-10's 10, or one name per line from a file.
 */
public final class ClassLabels {
    private ClassLabels() {
    }

    /** The 1000 ImageNet-1k class names, index order. */
    public static List<String> imagenet() {
        return resource("imagenet-classes.txt", 1000);
    }

    /** The 10 CIFAR-10 class names, index order. */
    public static List<String> cifar10() {
        return resource("cifar10-classes.txt", 10);
    }

    /** Non-blank lines of a UTF-8 text file, one class name per line. */
    public static List<String> fromFile(Path file) {
        try {
            List<String> names = Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(String::strip)
                    .filter(s -> !s.isEmpty()).toList();
            if (names.isEmpty()) {
                throw GraftException.usage("label file " + file + " has no names (expected one per line)");
            }
            return names;
        } catch (IOException e) {
            throw new GraftException("cannot read label file " + file + ": " + TorchCheckpointReader.message(e),
                    GraftException.USAGE, e);
        }
    }

    /**
     * The labels {@code choice} names ({@code imagenet}, {@code cifar10} or a file); with no choice, the
     * backbone's own names, else ImageNet's or CIFAR-10's when the classifier size fits, else {@code class N}.
     */
    public static List<String> resolve(String choice, Backbone backbone) {
        int classes = backbone.spec().numClasses();
        List<String> labels;
        if (choice == null || choice.isBlank()) {
            labels = !backbone.classNames().isEmpty() ? backbone.classNames()
                    : classes == 1000 ? imagenet() : classes == 10 ? cifar10() : numbered(classes);
        } else {
            labels = switch (choice.toLowerCase(Locale.ROOT)) {
                case "imagenet" -> imagenet();
                case "cifar10" -> cifar10();
                default -> fromFile(Path.of(choice));
            };
        }
        if (labels.size() != classes) {
            throw GraftException.usage(labels.size() + " labels given for a classifier with " + classes
                    + " outputs");
        }
        return labels;
    }

    private static List<String> numbered(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add("class " + i);
        }
        return out;
    }

    private static List<String> resource(String name, int expected) {
        try (InputStream in = ClassLabels.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            List<String> names = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(s -> !s.isBlank()).toList();
            if (names.size() != expected) {
                throw new IllegalStateException(name + " has " + names.size() + " names, expected " + expected);
            }
            return names;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read resource " + name, e);
        }
    }
}
