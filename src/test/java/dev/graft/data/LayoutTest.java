package dev.graft.data;

import dev.graft.GraftException;
import dev.graft.config.ConfigException;
import dev.graft.config.DataConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The three layouts, the class list, and the messages for user mistakes. */
class LayoutTest {
    @TempDir
    Path dir;

    @Test
    void folderLayoutListsClassesSortedAndFilesRecursively() throws IOException {
        TestImages.classFolders(dir.resolve("train"), 8, 2, 3);
        TestImages.png(dir.resolve("train/c1/nested/deep.png"), TestImages.noise(8, 8, 1));
        Files.writeString(dir.resolve("train/c0/.DS_Store"), "x");
        TestImages.classFolders(dir.resolve("val"), 8, 1, 1);
        ImageDataset ds = ImageDataset.scan(TestImages.data(dir, "  train: train\n  val: val\n"), 1);
        assertEquals(List.of("c0", "c1"), ds.classes());
        assertArrayEquals(new int[] {2, 4}, ds.counts(Split.TRAIN));
        assertArrayEquals(new int[] {1, 1}, ds.counts(Split.VAL));
        assertTrue(ds.skipped().isEmpty());
        assertEquals("folders", ds.layout());
    }

    @Test
    void explicitClassesFixTheOrder() throws IOException {
        TestImages.classFolders(dir.resolve("train"), 8, 1, 1);
        TestImages.classFolders(dir.resolve("val"), 8, 1, 1);
        ImageDataset ds = ImageDataset.scan(TestImages.data(dir, "  train: train\n  val: val\n  classes: [c1, c0]\n"), 1);
        assertEquals(List.of("c1", "c0"), ds.classes());
        assertEquals(1, ds.entries(Split.TRAIN).get(0).label()); // c0_0.png sorts first and is class index 1
    }

    @Test
    void classMissingFromExplicitListIsAnError() throws IOException {
        TestImages.classFolders(dir.resolve("train"), 8, 1, 1);
        TestImages.classFolders(dir.resolve("val"), 8, 1, 1);
        DataConfig data = TestImages.data(dir, "  train: train\n  val: val\n  classes: [c0]\n");
        GraftException e = assertThrows(GraftException.class, () -> ImageDataset.scan(data, 1));
        assertTrue(e.getMessage().contains("class 'c1', which data.classes [c0] does not list"), e.getMessage());
    }

    @Test
    void listedClassWithoutImagesIsAnError() throws IOException {
        TestImages.classFolders(dir.resolve("train"), 8, 1, 1);
        TestImages.classFolders(dir.resolve("val"), 8, 1, 1);
        DataConfig data = TestImages.data(dir, "  train: train\n  val: val\n  classes: [c0, c1, c2]\n");
        GraftException e = assertThrows(GraftException.class, () -> ImageDataset.scan(data, 1));
        assertTrue(e.getMessage().startsWith("class(es) [c2] have no readable training image"), e.getMessage());
    }

    @Test
    void classWhoseFilesAreAllUnreadableIsAnError() throws IOException {
        TestImages.classFolders(dir.resolve("train"), 8, 2);
        Files.createDirectories(dir.resolve("train/broken"));
        Files.writeString(dir.resolve("train/broken/a.jpg"), "text");
        TestImages.classFolders(dir.resolve("val"), 8, 1);
        DataConfig data = TestImages.data(dir, "  train: train\n  val: val\n");
        GraftException e = assertThrows(GraftException.class, () -> ImageDataset.scan(data, 1));
        assertTrue(e.getMessage().contains("[broken] have no readable training image in "), e.getMessage());
    }

    @Test
    void valClassUnseenInTrainIsAnError() throws IOException {
        TestImages.classFolders(dir.resolve("train"), 8, 1, 1);
        TestImages.classFolders(dir.resolve("val"), 8, 1, 1, 1);
        DataConfig data = TestImages.data(dir, "  train: train\n  val: val\n");
        GraftException e = assertThrows(GraftException.class, () -> ImageDataset.scan(data, 1));
        assertTrue(e.getMessage().contains("[val/c2] have no counterpart in train (train classes: c0, c1)"),
                e.getMessage());
    }

    @Test
    void missingFolderNamesThePathAndWhatExists() throws IOException {
        TestImages.classFolders(dir.resolve("train"), 8, 1);
        Files.createDirectories(dir.resolve("validation"));
        DataConfig data = TestImages.data(dir, "  train: train\n  val: validation\n");
        Files.delete(dir.resolve("validation"));
        GraftException e = assertThrows(GraftException.class, () -> ImageDataset.scan(data, 1));
        assertTrue(e.getMessage().startsWith("data.val: no such folder: " + dir.resolve("validation")), e.getMessage());
        assertTrue(e.getMessage().contains(dir + " contains: experiment.yaml, train/"), e.getMessage());
    }

    @Test
    void folderWithoutClassFoldersIsExplained() throws IOException {
        TestImages.png(dir.resolve("flat/a.png"), TestImages.noise(8, 8, 1));
        DataConfig data = TestImages.data(dir, "  root: flat\n");
        GraftException e = assertThrows(GraftException.class, () -> ImageDataset.scan(data, 1));
        assertTrue(e.getMessage().contains("has no class sub-folders"), e.getMessage());
    }

    /** HAM10000's metadata: ids without extension, images in sub-folders, extra columns. */
    private void hamStyle(int perClass) throws IOException {
        StringBuilder csv = new StringBuilder("lesion_id,image_id,dx,dx_type,age,sex,localization\n");
        String[] dx = {"nv", "mel", "bkl"};
        int id = 0;
        for (String label : dx) {
            for (int i = 0; i < perClass; i++) {
                String name = String.format("ISIC_%07d", id++);
                TestImages.jpeg(dir.resolve("images/part_" + (id % 2) + "/" + name + ".jpg"), TestImages.noise(10, 8, id));
                csv.append("HAM_").append(id).append(',').append(name).append(',').append(label)
                        .append(",histo,45.0,\"male, probably\",back\n");
            }
        }
        Files.writeString(dir.resolve("HAM10000_metadata.csv"), csv);
    }

    @Test
    void csvManifestHamStyle() throws IOException {
        hamStyle(10);
        DataConfig data = TestImages.data(dir, "  csv: {file: HAM10000_metadata.csv, images: images,"
                + " image_column: image_id, label_column: dx}\n  split: {val: 0.2, test: 0.1}\n");
        ImageDataset ds = ImageDataset.scan(data, 3);
        assertEquals(List.of("bkl", "mel", "nv"), ds.classes());
        assertArrayEquals(new int[] {7, 7, 7}, ds.counts(Split.TRAIN));
        assertArrayEquals(new int[] {2, 2, 2}, ds.counts(Split.VAL));
        assertArrayEquals(new int[] {1, 1, 1}, ds.counts(Split.TEST));
        assertEquals("csv", ds.layout());
    }

    @Test
    void csvRowsWithoutAnImageAreSkippedAndListed() throws IOException {
        hamStyle(4);
        Files.writeString(dir.resolve("HAM10000_metadata.csv"),
                "HAM_x,ISIC_9999999,nv,histo,1,male,back\nHAM_y,,mel,histo,1,male,back\n",
                java.nio.file.StandardOpenOption.APPEND);
        Files.delete(dir.resolve("images/part_1/ISIC_0000000.jpg"));
        DataConfig data = TestImages.data(dir, "  csv: {file: HAM10000_metadata.csv, images: images,"
                + " image_column: image_id, label_column: dx}\n");
        ImageDataset ds = ImageDataset.scan(data, 3);
        assertEquals(3, ds.skipped().size());
        assertTrue(ds.skipped().get(0).reason().startsWith("no image file for id 'ISIC_0000000'"),
                ds.skipped().get(0).reason());
        assertTrue(ds.skipped().get(2).reason().startsWith("empty image_id"), ds.skipped().get(2).reason());
        assertEquals(11, ds.entries(Split.TRAIN).size() + ds.entries(Split.VAL).size());
    }

    @Test
    void csvIdsWithExtensionsAndCaseDifferences() throws IOException {
        TestImages.png(dir.resolve("img/A.PNG"), TestImages.noise(8, 8, 1));
        TestImages.png(dir.resolve("img/b.png"), TestImages.noise(8, 8, 2));
        TestImages.png(dir.resolve("img/sub/c.png"), TestImages.noise(8, 8, 3));
        TestImages.png(dir.resolve("img/d.png"), TestImages.noise(8, 8, 4));
        Files.writeString(dir.resolve("m.csv"), "file;label\na.png;x\nb;x\nsub/c.png;y\nd;y\n");
        DataConfig data = TestImages.data(dir, "  csv: {file: m.csv, images: img, image_column: file,"
                + " label_column: label, extension: png}\n  split: {val: 0.5}\n");
        ImageDataset ds = ImageDataset.scan(data, 1);
        assertTrue(ds.skipped().isEmpty(), ds.skipped().toString());
        assertEquals(4, ds.entries(Split.TRAIN).size() + ds.entries(Split.VAL).size());
    }

    @Test
    void missingCsvColumnNamesTheColumnsThatExist() throws IOException {
        hamStyle(2);
        DataConfig data = TestImages.data(dir, "  csv: {file: HAM10000_metadata.csv, images: images,"
                + " image_column: image_id, label_column: diagnosis}\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ImageDataset.scan(data, 1));
        assertEquals("data.csv.label_column", e.errors().get(0).path());
        assertEquals("no column 'diagnosis' in HAM10000_metadata.csv; its columns are: lesion_id, image_id, dx, "
                + "dx_type, age, sex, localization", e.errors().get(0).message());
    }

    @Test
    void explicitClassWeightCountMustMatch() throws IOException {
        TestImages.classFolders(dir.resolve("root"), 8, 3, 3);
        DataConfig data = TestImages.data(dir, "  root: root\n  class_weights: [1, 2, 3]\n");
        ConfigException e = assertThrows(ConfigException.class,
                () -> DataPipeline.open(data, 1, 8, Normalization.IMAGENET));
        assertTrue(e.errors().get(0).toString().startsWith("data.class_weights: has 3 weights for 2 classes"));
    }
}
