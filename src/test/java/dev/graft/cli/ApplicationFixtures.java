package dev.graft.cli;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Tiny stand-ins for the application datasets, each in the layout its guide ({@code datasets/<name>/README.md})
 * documents, under {@code <root>/datasets/<name>/}: so a config copied to {@code <root>/configs/} finds its data
 * through its own relative paths. Images are small and coloured by class, enough for a run to finish.
 */
final class ApplicationFixtures {
    static final List<String> HAM_CLASSES = List.of("akiec", "bcc", "bkl", "df", "mel", "nv", "vasc");
    static final List<String> CHEST_CLASSES = List.of("NORMAL", "PNEUMONIA");
    static final List<String> PLANT_CLASSES = List.of("Apple___Apple_scab", "Apple___healthy", "Tomato___Late_blight");
    static final List<String> DOG_CLASSES = List.of("n02085620-Chihuahua", "n02085782-Japanese_spaniel",
            "n02116738-African_hunting_dog");
    static final List<String> EMOTIONS = List.of("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral");
    static final Path FER_CONVERTER = Path.of("datasets", "emotions", "Fer2013ToFolders.java");

    private ApplicationFixtures() {
    }

    /**
     * HAM10000 as published: {@code HAM10000_metadata.csv} with its seven columns, images split over
     * {@code HAM10000_images_part_1/} and {@code _part_2/}, plus the Kaggle copy's duplicate lower-case folder.
     */
    static void ham10000(Path root, int perClass) {
        Path dir = root.resolve("datasets/ham10000");
        StringBuilder csv = new StringBuilder("lesion_id,image_id,dx,dx_type,age,sex,localization\n");
        Random random = new Random(1);
        int id = 24306;
        for (int c = 0; c < HAM_CLASSES.size(); c++) {
            for (int i = 0; i < perClass; i++, id++) {
                String name = "ISIC_00" + id;
                String part = id % 2 == 0 ? "HAM10000_images_part_1" : "HAM10000_images_part_2";
                BufferedImage image = image(c, HAM_CLASSES.size(), 60, 45, false, random);
                write(image, "jpg", dir.resolve(part).resolve(name + ".jpg"));
                if (part.endsWith("1")) {
                    write(image, "jpg", dir.resolve("ham10000_images_part_1").resolve(name + ".jpg"));
                }
                csv.append("HAM_").append(1000 + id / 2).append(',').append(name).append(',')
                        .append(HAM_CLASSES.get(c)).append(",histo,45.0,female,back\n");
            }
        }
        writeString(dir.resolve("HAM10000_metadata.csv"), csv.toString());
    }

    /** Kermany et al.'s {@code chest_xray/{train,val,test}/{NORMAL,PNEUMONIA}}, grey JPEGs; returns test/. */
    static Path chestXray(Path root, int perClass) {
        Path dir = root.resolve("datasets/chest-xray/chest_xray");
        Random random = new Random(2);
        String[][] splits = {{"train", String.valueOf(perClass)}, {"val", "1"}, {"test", "2"}};
        for (String[] split : splits) {
            for (int c = 0; c < CHEST_CLASSES.size(); c++) {
                for (int i = 0; i < Integer.parseInt(split[1]); i++) {
                    String name = c == 0 ? "IM-0" + (100 + i) + "-0001.jpeg"
                            : "person" + i + "_bacteria_" + i + ".jpeg";
                    write(image(c, 2, 64, 52, true, random), "jpg",
                            dir.resolve(split[0]).resolve(CHEST_CLASSES.get(c)).resolve(name));
                }
            }
        }
        return dir.resolve("test");
    }

    /** NIH ChestX-ray14's 14 findings in the config's order. */
    static final List<String> CXR14_FINDINGS = List.of("Atelectasis", "Cardiomegaly", "Effusion", "Infiltration",
            "Mass", "Nodule", "Pneumonia", "Pneumothorax", "Consolidation", "Edema", "Emphysema", "Fibrosis",
            "Pleural_Thickening", "Hernia");

    /**
     * NIH ChestX-ray14 as published: {@code Data_Entry_2017_v2020.csv} with its header and {@code images/}
     * PNGs, {@code patients} patients with two images each; every finding appears in both images of several
     * patients, every fifth patient has {@code No Finding}.
     */
    static void chestXray14(Path root, int patients) {
        Path dir = root.resolve("datasets/chest-xray14");
        StringBuilder csv = new StringBuilder("Image Index,Finding Labels,Follow-up #,Patient ID,Patient Age,"
                + "Patient Gender,View Position,OriginalImage[Width,Height],OriginalImagePixelSpacing[x,y]\n");
        Random random = new Random(6);
        for (int p = 1; p <= patients; p++) {
            int a = p % CXR14_FINDINGS.size();
            int b = (p * 5) % CXR14_FINDINGS.size();
            String findings = p % 5 == 0 ? "No Finding" : a == b ? CXR14_FINDINGS.get(a)
                    : CXR14_FINDINGS.get(a) + "|" + CXR14_FINDINGS.get(b);
            for (int visit = 0; visit < 2; visit++) {
                String name = String.format("%08d_%03d.png", p, visit);
                write(image(a, CXR14_FINDINGS.size(), 64, 64, true, random), "png", dir.resolve("images").resolve(name));
                csv.append(name).append(',').append(findings).append(',').append(visit).append(',').append(p)
                        .append(",58,M,PA,2682,2749,0.143,0.143\n");
            }
        }
        writeString(dir.resolve("Data_Entry_2017_v2020.csv"), csv.toString());
    }

    /**
     * RSNA Pediatric Bone Age as published on Kaggle: {@code boneage-training-dataset.csv} ({@code id,boneage,male})
     * and the PNGs, named by id, in the nested {@code boneage-training-dataset/boneage-training-dataset/}; the
     * grey level grows with the age, so a model can learn it.
     */
    static void boneAge(Path root, int count) {
        Path dir = root.resolve("datasets/bone-age");
        StringBuilder csv = new StringBuilder("id,boneage,male\n");
        Random random = new Random(7);
        for (int i = 0; i < count; i++) {
            int id = 1377 + i;
            int months = 12 + random.nextInt(205);
            int level = months * 10 / 229;
            write(image(level, 10, 48, 60, true, random), "png",
                    dir.resolve("boneage-training-dataset/boneage-training-dataset").resolve(id + ".png"));
            csv.append(id).append(',').append(months).append(',').append(i % 2 == 0 ? "True" : "False").append('\n');
        }
        writeString(dir.resolve("boneage-training-dataset.csv"), csv.toString());
    }

    /** PlantVillage's {@code raw/color/<Crop___condition>/} inside the sparse clone. */
    static void plantVillage(Path root, int perClass) {
        folders(root.resolve("datasets/plant-disease/PlantVillage-Dataset/raw/color"), PLANT_CLASSES, perClass, 3);
    }

    /** Stanford Dogs' {@code Images/<wnid>-<breed>/}. */
    static void stanfordDogs(Path root, int perClass) {
        folders(root.resolve("datasets/dog-breeds/Images"), DOG_CLASSES, perClass, 4);
    }

    /**
     * FER-2013 as published: one CSV of pixel strings with Training / PublicTest / PrivateTest rows,
     * {@code perClass} training rows and one of each test kind per emotion.
     */
    static Path fer2013Csv(Path file, int perClass) {
        Random random = new Random(5);
        StringBuilder csv = new StringBuilder("emotion,pixels,Usage\n");
        for (int e = 0; e < EMOTIONS.size(); e++) {
            List<String> usages = new ArrayList<>();
            for (int i = 0; i < perClass; i++) {
                usages.add("Training");
            }
            usages.add("PublicTest");
            usages.add("PrivateTest");
            for (String usage : usages) {
                StringBuilder pixels = new StringBuilder();
                for (int p = 0; p < 48 * 48; p++) {
                    int v = Math.max(0, Math.min(255, 30 + 30 * e + (int) (random.nextGaussian() * 20)));
                    pixels.append(p == 0 ? "" : " ").append(v);
                }
                csv.append(e).append(',').append(pixels).append(',').append(usage).append('\n');
            }
        }
        writeString(file, csv.toString());
        return file;
    }

    /** Runs the FER-2013 converter as a user does: {@code java Fer2013ToFolders.java CSV OUT}. */
    static ProcessResult convertFer(Path csv, Path out) {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        try {
            Process process = new ProcessBuilder(java.toString(), FER_CONVERTER.toString(), csv.toString(),
                    out.toString()).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("converter did not finish in 120 s: " + output);
            }
            return new ProcessResult(process.exitValue(), output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Exit code and combined output (stdout then stderr) of a command. */
    record ProcessResult(int code, String output) {
    }

    /** Runs one {@code graft} command line in this JVM, as {@code ./graft} would. */
    static ProcessResult graft(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = GraftMain.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new ProcessResult(code, out + err.toString());
    }

    private static void folders(Path dir, List<String> classes, int perClass, long seed) {
        Random random = new Random(seed);
        for (int c = 0; c < classes.size(); c++) {
            for (int i = 0; i < perClass; i++) {
                write(image(c, classes.size(), 64, 48, false, random), "jpg",
                        dir.resolve(classes.get(c)).resolve(String.format("img_%03d.jpg", i)));
            }
        }
    }

    /** A noisy image whose colour (or grey level) depends on the class. */
    private static BufferedImage image(int c, int classes, int width, int height, boolean grey, Random random) {
        BufferedImage image = new BufferedImage(width, height, grey ? BufferedImage.TYPE_BYTE_GRAY
                : BufferedImage.TYPE_INT_RGB);
        float hue = (float) c / classes;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                if (grey) {
                    int v = Math.max(0, Math.min(255, 60 + 140 * c / Math.max(1, classes - 1)
                            + (int) (random.nextGaussian() * 25)));
                    image.getRaster().setSample(x, y, 0, v);
                } else {
                    float brightness = (float) Math.max(0.2, Math.min(1.0, 0.7 + random.nextGaussian() * 0.15));
                    image.setRGB(x, y, java.awt.Color.HSBtoRGB(hue, 0.7f, brightness));
                }
            }
        }
        return image;
    }

    private static void write(BufferedImage image, String format, Path file) {
        try {
            Files.createDirectories(file.getParent());
            if (!ImageIO.write(image, format, file.toFile())) {
                throw new IllegalStateException("no ImageIO writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeString(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
