package dev.graft.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.config.ConfigException;
import dev.graft.config.DataConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** data.split.group: a patient or lesion never sits in two splits, and the split stays stratified. */
class GroupSplitTest {
    private static final Pattern PERSON = Pattern.compile("person\\d+");
    @TempDir
    Path dir;

    /**
     * Class a: 40 patients with 1-4 images each (100 images); class b: 20 patients with 1-3 (41 images),
     * 4 images named without a patient, and person999 with images in both classes.
     */
    private void patients() throws IOException {
        int seed = 0;
        for (int p = 0; p < 40; p++) {
            for (int i = 0; i <= p % 4; i++) {
                image("a", "person" + p + "_bacteria_" + i + ".png", seed++);
            }
        }
        for (int p = 100; p < 120; p++) {
            for (int i = 0; i <= p % 3; i++) {
                image("b", "person" + p + "_virus_" + i + ".png", seed++);
            }
        }
        for (int i = 0; i < 4; i++) {
            image("b", "IM-000" + i + ".png", seed++);
        }
        image("a", "person999_bacteria_0.png", seed++);
        image("a", "person999_bacteria_1.png", seed++);
        image("b", "person999_virus_2.png", seed);
    }

    private void image(String label, String name, long seed) throws IOException {
        TestImages.png(dir.resolve("root").resolve(label).resolve(name), TestImages.noise(8, 8, seed));
    }

    private ImageDataset scan(long seed) throws IOException {
        return ImageDataset.scan(TestImages.data(dir, "  root: root\n  split: {val: 0.2, test: 0.1, group: 'person\\d+'}\n"),
                seed);
    }

    @Test
    void noPatientSitsInTwoSplitsAndEachClassKeepsItsShare() throws IOException {
        patients();
        for (long seed : new long[] {1, 2, 3, 42}) {
            ImageDataset ds = scan(seed);
            Map<String, Set<Split>> where = new HashMap<>();
            for (Split s : Split.values()) {
                for (ImageEntry e : ds.entries(s)) {
                    Matcher m = PERSON.matcher(e.path().getFileName().toString());
                    if (m.find()) {
                        where.computeIfAbsent(m.group(), k -> EnumSet.noneOf(Split.class)).add(s);
                    }
                }
            }
            where.forEach((person, splits) -> assertEquals(1, splits.size(), person + " in " + splits));
            assertEquals(61, where.size());
            int[] total = {102, 46};
            for (int c = 0; c < 2; c++) {
                double val = ds.counts(Split.VAL)[c] / (double) total[c];
                double test = ds.counts(Split.TEST)[c] / (double) total[c];
                assertEquals(0.2, val, 0.05, "seed " + seed + " class " + c + " val share");
                assertEquals(0.1, test, 0.05, "seed " + seed + " class " + c + " test share");
            }
            assertEquals(148, ds.entries(Split.TRAIN).size() + ds.entries(Split.VAL).size()
                    + ds.entries(Split.TEST).size());
        }
    }

    @Test
    void groupSplitIsSeeded() throws IOException {
        patients();
        assertEquals(scan(5).entries(Split.VAL), scan(5).entries(Split.VAL));
        assertNotEquals(scan(5).entries(Split.VAL), scan(6).entries(Split.VAL));
    }

    @Test
    void reportCountsGroupsPerSplitAndZeroOverlap() throws IOException {
        patients();
        ImageDataset ds = scan(42);
        Groups g = ds.groups();
        assertEquals("file name", g.source());
        assertEquals(0, g.overlapping());
        assertEquals(4, g.ungroupedImages());
        assertEquals(61 + 4, g.groups().values().stream().mapToInt(Integer::intValue).sum(),
                "every patient counted once, plus the 4 images without one");
        Path report = dir.resolve("data-report.json");
        try (DataPipeline pipeline = DataPipeline.open(TestImages.data(dir,
                "  root: root\n  split: {val: 0.2, test: 0.1, group: 'person\\d+'}\n"), 42, 8, Normalization.NONE)) {
            pipeline.report().write(report);
            assertTrue(String.join("\n", pipeline.report().table()).contains("in more than one split: 0"));
        }
        JsonNode groups = new ObjectMapper().readTree(report.toFile()).get("groups");
        assertEquals(0, groups.get("overlapping").asInt());
        assertEquals(g.groups().get("val"), groups.get("groups").get("val").asInt());
    }

    @Test
    void withoutGroupsTheGroupSplitIsThePerImageSplit() throws IOException {
        TestImages.classFolders(dir.resolve("root"), 8, 23, 11, 5);
        ImageDataset ds = ImageDataset.scan(TestImages.data(dir, "  root: root\n  split: {val: 0.2, test: 0.1}\n"), 9);
        List<ImageEntry> all = new ArrayList<>();
        for (Split s : Split.values()) {
            all.addAll(ds.entries(s));
        }
        List<String> noGroups = new ArrayList<>();
        all.forEach(e -> noGroups.add(null));
        Map<Split, List<ImageEntry>> grouped = GroupSplitter.split(all, noGroups, ds.classes(), 0.2, 0.1,
                dev.graft.config.Seeds.derive(9, "split"));
        for (Split s : Split.values()) {
            assertEquals(ds.entries(s), grouped.get(s), s.id());
        }
    }

    @Test
    void csvGroupColumnKeepsLesionsTogether() throws IOException {
        StringBuilder csv = new StringBuilder("lesion_id,image_id,dx\n");
        int id = 0;
        for (int lesion = 0; lesion < 30; lesion++) {
            for (int i = 0; i <= lesion % 3; i++) {
                String name = String.format("ISIC_%07d", id);
                TestImages.jpeg(dir.resolve("images/" + name + ".jpg"), TestImages.noise(8, 8, id++));
                csv.append("HAM_").append(lesion).append(',').append(name).append(',')
                        .append(lesion % 2 == 0 ? "nv" : "mel").append('\n');
            }
        }
        Files.writeString(dir.resolve("meta.csv"), csv);
        DataConfig data = TestImages.data(dir, "  csv: {file: meta.csv, images: images, image_column: image_id,"
                + " label_column: dx}\n  split: {val: 0.3, group: lesion_id}\n");
        ImageDataset ds = ImageDataset.scan(data, 11);
        assertEquals("column", ds.groups().source());
        assertEquals(0, ds.groups().overlapping());
        assertEquals(30, ds.groups().groups().get("train") + ds.groups().groups().get("val"));
        assertTrue(ds.groups().groups().get("val") > 0);
    }

    @Test
    void missingGroupColumnNamesTheColumnsThatExist() throws IOException {
        TestImages.jpeg(dir.resolve("images/x.jpg"), TestImages.noise(8, 8, 1));
        Files.writeString(dir.resolve("meta.csv"), "image_id,dx\nx,nv\n");
        DataConfig data = TestImages.data(dir, "  csv: {file: meta.csv, images: images, image_column: image_id,"
                + " label_column: dx}\n  split: {val: 0.3, group: lesion_id}\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ImageDataset.scan(data, 1));
        assertEquals("data.split.group", e.errors().get(0).path());
        assertTrue(e.errors().get(0).message().contains("its columns are: image_id, dx"), e.getMessage());
    }

    @Test
    void invalidExpressionIsAConfigError() throws IOException {
        TestImages.classFolders(dir.resolve("root"), 8, 3, 3);
        ConfigException e = assertThrows(ConfigException.class,
                () -> TestImages.data(dir, "  root: root\n  split: {val: 0.3, group: 'person(\\d+'}\n"));
        assertEquals("data.split.group", e.errors().get(0).path());
        assertTrue(e.errors().get(0).message().startsWith("not a valid regular expression"), e.getMessage());
    }

    @Test
    void givenFoldersAreCheckedForPatientsInTwoSplits() throws IOException {
        TestImages.png(dir.resolve("train/a/person1_0.png"), TestImages.noise(8, 8, 1));
        TestImages.png(dir.resolve("train/a/person2_0.png"), TestImages.noise(8, 8, 2));
        TestImages.png(dir.resolve("val/a/person1_1.png"), TestImages.noise(8, 8, 3));
        TestImages.png(dir.resolve("val/a/person3_0.png"), TestImages.noise(8, 8, 4));
        ImageDataset ds = ImageDataset.scan(TestImages.data(dir,
                "  train: train\n  val: val\n  split: {group: 'person\\d+'}\n"), 1);
        assertEquals(1, ds.groups().overlapping());
        assertEquals(List.of("person1 [train, val]"), ds.groups().overlapExamples());
    }
}
