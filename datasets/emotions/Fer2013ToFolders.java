import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Converts FER-2013's {@code fer2013.csv} (columns {@code emotion}, {@code pixels}, {@code Usage}; one row per
 * 48x48 grey face, pixels as 2,304 space-separated numbers) into the folder layout Graft reads:
 * {@code OUT/{train,val,test}/<emotion>/<split>-<row>.png}, with Training -> train, PublicTest -> val and
 * PrivateTest -> test, and emotions 0..6 -> angry, disgust, fear, happy, sad, surprise, neutral.
 *
 * <p>A single-file program for Java 17, no build needed:
 * {@code java datasets/emotions/Fer2013ToFolders.java datasets/emotions/fer2013.csv datasets/emotions/fer2013}.
 * Also reads Kaggle's {@code icml_face_data.csv} (same columns, names with a leading space). Everything is
 * written into {@code OUT.partial} and renamed to {@code OUT} at the end, so an interrupted conversion
 * never leaves a half dataset where Graft would read it. Exit codes: 0 done, 1 I/O failure, 2 bad input.
 */
public final class Fer2013ToFolders {
    static final List<String> EMOTIONS = List.of("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral");
    static final Map<String, String> SPLITS = Map.of("training", "train", "publictest", "val", "privatetest", "test");
    static final int SIDE = 48;

    /** A mistake in the input file: reported in one line, exit code 2. */
    static final class BadInput extends RuntimeException {
        BadInput(String message) {
            super(message);
        }
    }

    private Fer2013ToFolders() {
    }

    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: java Fer2013ToFolders.java fer2013.csv OUT_DIR");
            System.exit(2);
        }
        try {
            Map<String, Integer> counts = convert(Path.of(args[0]), Path.of(args[1]));
            counts.forEach((key, n) -> System.out.printf(Locale.ROOT, "%-16s %6d%n", key, n));
            System.out.println("wrote " + counts.values().stream().mapToInt(Integer::intValue).sum()
                    + " images into " + args[1]);
        } catch (BadInput e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
        } catch (IOException | UncheckedIOException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(1);
        }
    }

    /** Converts {@code csv} into {@code out}; returns images per split/emotion. */
    static Map<String, Integer> convert(Path csv, Path out) throws IOException {
        if (!Files.isRegularFile(csv)) {
            throw new BadInput("no such file: " + csv);
        }
        if (Files.exists(out)) {
            throw new BadInput(out + " already exists; remove it first (the conversion writes a fresh folder)");
        }
        Path partial = out.resolveSibling(out.getFileName() + ".partial");
        deleteRecursively(partial);
        Map<String, Integer> counts = new TreeMap<>();
        try (BufferedReader reader = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            String headerLine = reader.readLine();
            if (headerLine == null) {
                throw new BadInput(csv + " is empty");
            }
            List<String> header = new ArrayList<>();
            for (String name : headerLine.replace("\uFEFF", "").split(",")) {
                header.add(unquote(name).toLowerCase(Locale.ROOT));
            }
            int emotion = column(header, "emotion", csv);
            int pixels = column(header, "pixels", csv);
            int usage = column(header, "usage", csv);
            String line;
            int lineNumber = 1;
            while ((line = reader.readLine()) != null) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                String[] fields = line.split(",", -1);
                if (fields.length != header.size()) {
                    throw new BadInput(csv.getFileName() + " line " + lineNumber + ": " + fields.length
                            + " fields, expected " + header.size());
                }
                String label = emotionName(unquote(fields[emotion]), csv, lineNumber);
                String split = SPLITS.get(unquote(fields[usage]).toLowerCase(Locale.ROOT));
                if (split == null) {
                    throw new BadInput(csv.getFileName() + " line " + lineNumber + ": Usage '"
                            + unquote(fields[usage]) + "' is not Training, PublicTest or PrivateTest");
                }
                BufferedImage image = face(unquote(fields[pixels]), csv, lineNumber);
                Path folder = Files.createDirectories(partial.resolve(split).resolve(label));
                String name = String.format(Locale.ROOT, "%s-%05d.png", split, lineNumber);
                if (!ImageIO.write(image, "png", folder.resolve(name).toFile())) {
                    throw new IOException("no PNG writer in this JVM");
                }
                counts.merge(split + "/" + label, 1, Integer::sum);
            }
        } catch (BadInput | IOException e) {
            deleteRecursively(partial);
            throw e;
        }
        if (counts.isEmpty()) {
            deleteRecursively(partial);
            throw new BadInput(csv + " has a header but no rows");
        }
        Files.move(partial, out, StandardCopyOption.ATOMIC_MOVE);
        return counts;
    }

    /** Trims a field and drops one pair of surrounding double quotes (FER-2013's fields contain no commas). */
    private static String unquote(String field) {
        String t = field.trim();
        return t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"") ? t.substring(1, t.length() - 1).trim() : t;
    }

    private static int column(List<String> header, String name, Path csv) {
        int index = header.indexOf(name);
        if (index < 0) {
            throw new BadInput(csv.getFileName() + " has no '" + name + "' column (its columns: "
                    + String.join(", ", header) + "); expected FER-2013's emotion, pixels, Usage");
        }
        return index;
    }

    private static String emotionName(String value, Path csv, int line) {
        try {
            return EMOTIONS.get(Integer.parseInt(value));
        } catch (NumberFormatException | IndexOutOfBoundsException e) {
            throw new BadInput(csv.getFileName() + " line " + line + ": emotion '" + value + "' is not 0..6");
        }
    }

    private static BufferedImage face(String pixels, Path csv, int line) {
        String[] values = pixels.split("\\s+");
        if (values.length != SIDE * SIDE) {
            throw new BadInput(csv.getFileName() + " line " + line + ": " + values.length + " pixel values, expected "
                    + SIDE * SIDE + " (48x48)");
        }
        BufferedImage image = new BufferedImage(SIDE, SIDE, BufferedImage.TYPE_BYTE_GRAY);
        byte[] raster = new byte[SIDE * SIDE];
        for (int i = 0; i < values.length; i++) {
            int v;
            try {
                v = Integer.parseInt(values[i]);
            } catch (NumberFormatException e) {
                v = -1;
            }
            if (v < 0 || v > 255) {
                throw new BadInput(csv.getFileName() + " line " + line + ": pixel " + (i + 1) + " is '" + values[i]
                        + "', expected 0..255");
            }
            raster[i] = (byte) v;
        }
        image.getRaster().setDataElements(0, 0, SIDE, SIDE, raster);
        return image;
    }

    private static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
