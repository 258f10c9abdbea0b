package dev.graft.data;

import dev.graft.GraftException;
import dev.graft.config.ConfigException;
import dev.graft.config.DataConfig;
import dev.graft.config.HeadConfig.Problem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Multi-label and regression targets from a CSV manifest (issue 17): the forms, the policies, the errors. */
class TargetCsvTest {
    @TempDir
    Path dir;

    /** Images i0..i{n-1}.png and a manifest {@code header\nrows...}. */
    private void manifest(String header, String... rows) throws IOException {
        StringBuilder csv = new StringBuilder(header).append('\n');
        for (int i = 0; i < rows.length; i++) {
            TestImages.png(dir.resolve("img/i" + i + ".png"), TestImages.noise(8, 8, i));
            csv.append("i").append(i).append(".png,").append(rows[i]).append('\n');
        }
        Files.writeString(dir.resolve("m.csv"), csv);
    }

    private ImageDataset scan(Problem problem, String csvKeys) throws IOException {
        return ImageDataset.scan(data(problem, csvKeys), problem, 1);
    }

    private DataConfig data(Problem problem, String csvKeys) throws IOException {
        return dataSection(problem, "  csv: {file: m.csv, images: img" + csvKeys + "}\n  split: {val: 0.25}\n");
    }

    /** The data section of an experiment with a {@code problem} head (its checks included). */
    private DataConfig dataSection(Problem problem, String dataYaml) throws IOException {
        Path file = dir.resolve("experiment.yaml");
        Files.writeString(file, "name: t\nseed: 7\nbackbone: {arch: resnet20_cifar, weights: none}\nhead: {problem: "
                + problem + "}\ndata:\n" + dataYaml);
        return new dev.graft.config.ConfigLoader().load(file).data();
    }

    /** Each image's target by file name, over all splits. */
    private static Map<String, float[]> targets(ImageDataset ds) {
        Map<String, float[]> out = new HashMap<>();
        for (Split s : Split.values()) {
            ds.entries(s).forEach(e -> out.put(e.path().getFileName().toString(), e.target()));
        }
        return out;
    }

    @Test
    void labelCellWithSeparatorGivesOneIndicatorPerLabelSorted() throws IOException {
        manifest("image,findings", "Effusion|Cardiomegaly", "", "Mass", "Effusion");
        ImageDataset ds = scan(Problem.MULTI_LABEL, ", label_column: findings");
        assertEquals(List.of("Cardiomegaly", "Effusion", "Mass"), ds.classes());
        Map<String, float[]> t = targets(ds);
        assertArrayEquals(new float[] {1, 1, 0}, t.get("i0.png"));
        assertArrayEquals(new float[] {0, 0, 0}, t.get("i1.png"), "an empty cell: no finding, not a skipped row");
        assertArrayEquals(new float[] {0, 0, 1}, t.get("i2.png"));
        assertEquals(4, t.size());
    }

    /** NIH ChestX-ray14 writes "No Finding" where other manifests leave the cell empty. */
    @Test
    void theNoLabelCellMeansNoneOfTheLabels() throws IOException {
        manifest("image,findings", "Effusion|Mass", "No Finding", "Mass", "No Finding");
        ImageDataset ds = scan(Problem.MULTI_LABEL, ", label_column: findings, no_label: No Finding");
        assertEquals(List.of("Effusion", "Mass"), ds.classes(), "'No Finding' is not a label");
        assertArrayEquals(new float[] {0, 0}, targets(ds).get("i1.png"));
        assertArrayEquals(new float[] {1, 1}, targets(ds).get("i0.png"));

        assertEquals(List.of("Effusion", "Mass", "No Finding"), scan(Problem.MULTI_LABEL, ", label_column: findings")
                .classes(), "without no_label the cell is a label like any other");
        dev.graft.config.ConfigException regression = assertThrows(dev.graft.config.ConfigException.class,
                () -> data(Problem.REGRESSION, ", label_column: findings, no_label: No Finding"));
        assertEquals("data.csv.no_label", regression.errors().get(0).path());
    }

    @Test
    void configuredLabelsFixTheOrderAndAnUnknownLabelIsAClearError() throws IOException {
        manifest("image,findings", "b;a", "c");
        ImageDataset ds = ImageDataset.scan(dataSection(Problem.MULTI_LABEL, "  csv: {file: m.csv, images: img, label_column:"
                + " findings, label_separator: ';'}\n  classes: [b, a, c]\n  split: {val: 0.5}\n"),
                Problem.MULTI_LABEL, 1);
        assertEquals(List.of("b", "a", "c"), ds.classes());
        assertArrayEquals(new float[] {1, 1, 0}, targets(ds).get("i0.png"));

        DataConfig unknown = dataSection(Problem.MULTI_LABEL, "  csv: {file: m.csv, images: img, label_column: findings,"
                + " label_separator: ';'}\n  classes: [a, b]\n");
        GraftException e = assertThrows(GraftException.class,
                () -> ImageDataset.scan(unknown, Problem.MULTI_LABEL, 1));
        assertEquals(GraftException.USAGE, e.exitCode());
        assertTrue(e.getMessage().contains("m.csv line 3 names label 'c'"), e.getMessage());
    }

    @Test
    void labelColumnsWithUncertainCellsFollowThePolicy() throws IOException {
        manifest("image,Edema,Pneumonia", "1,-1", "0,", "1.0,0.0", "-1,1");
        String columns = ", label_columns: [Edema, Pneumonia]";
        Map<String, float[]> ignore = targets(scan(Problem.MULTI_LABEL, columns));
        assertArrayEquals(new float[] {1, Float.NaN}, ignore.get("i0.png"), "ignore: unknown (masked)");
        assertArrayEquals(new float[] {0, Float.NaN}, ignore.get("i1.png"), "a blank cell is uncertain too");
        assertArrayEquals(new float[] {1, 0}, ignore.get("i2.png"));
        Map<String, float[]> zeros = targets(scan(Problem.MULTI_LABEL, columns + ", uncertain: zeros"));
        assertArrayEquals(new float[] {0, 1}, zeros.get("i3.png"));
        Map<String, float[]> ones = targets(scan(Problem.MULTI_LABEL, columns + ", uncertain: ones"));
        assertArrayEquals(new float[] {1, 1}, ones.get("i3.png"));
    }

    @Test
    void anIgnoredLabelIsMaskedOutOfTheBatch() throws IOException {
        manifest("image,A,B", "1,-1", "0,1", "1,0", "0,0");
        DataConfig data = data(Problem.MULTI_LABEL, ", label_columns: [A, B]");
        try (DataPipeline p = DataPipeline.open(data, Problem.MULTI_LABEL, 1, 8, Normalization.IMAGENET)) {
            int masked = 0;
            for (ImageBatchIterator it : List.of(p.train(4), p.eval(Split.VAL, 4))) {
                DataSet batch = it.next();
                float[][] y = batch.getLabels().toFloatMatrix();
                float[][] mask = batch.getLabelsMaskArray() == null ? null : batch.getLabelsMaskArray().toFloatMatrix();
                for (int i = 0; i < y.length; i++) {
                    String name = Path.of(((SampleRef) batch.getExampleMetaData().get(i)).path()).getFileName()
                            .toString();
                    float[] target = targets(p.dataset()).get(name);
                    for (int j = 0; j < 2; j++) {
                        boolean known = !Float.isNaN(target[j]);
                        assertEquals(known ? 1f : 0f, mask == null ? 1f : mask[i][j], name + " label " + j);
                        assertEquals(known ? target[j] : 0f, y[i][j]);
                        masked += known ? 0 : 1;
                    }
                }
            }
            assertEquals(1, masked, "i0's B is the one unknown label");
        }
    }

    /** Spark's executors decode sample descriptions: the same targets and mask as the local iterator's batches. */
    @Test
    void sampleDescriptionsCarryTheTargetsAndMaskToTheDecoder() throws Exception {
        manifest("image,A,B,months", "1,-1,10", "0,1,20", "1,,30", "0,0,40", "1,1,50", "0,-1,60", "1,0,70", "0,1,80");
        for (Problem problem : List.of(Problem.MULTI_LABEL, Problem.REGRESSION)) {
            DataConfig data = data(problem, problem == Problem.MULTI_LABEL ? ", label_columns: [A, B]"
                    : ", label_column: months");
            try (DataPipeline p = DataPipeline.open(data, problem, 1, 8, Normalization.IMAGENET)) {
                DataSet expected = p.train(6).next();
                List<SampleSpec> samples = SampleSpec.trainEpoch(p, 1, 0).subList(0, 6);
                java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
                try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
                    out.writeObject(new java.util.ArrayList<>(samples));
                }
                @SuppressWarnings("unchecked")
                List<SampleSpec> shipped = (List<SampleSpec>) new java.io.ObjectInputStream(
                        new java.io.ByteArrayInputStream(bytes.toByteArray())).readObject();
                DataSet actual = BatchDecoder.train(p).decode(shipped);
                assertArrayEquals(expected.getLabels().data().asFloat(), actual.getLabels().data().asFloat(), 0f,
                        problem + " targets (regression standardised)");
                if (problem == Problem.MULTI_LABEL) {
                    assertNotNull(expected.getLabelsMaskArray(), "6 training images hold an uncertain B");
                    assertEquals(expected.getLabelsMaskArray(), actual.getLabelsMaskArray(), "the mask travels");
                } else {
                    assertNull(actual.getLabelsMaskArray());
                    assertTrue(Math.abs(actual.getLabels().getDouble(0, 0)) < 3, "standardised, not months");
                }
            }
        }
    }

    @Test
    void badIndicatorCellIsAClearError() throws IOException {
        manifest("image,A", "yes");
        GraftException e = assertThrows(GraftException.class,
                () -> scan(Problem.MULTI_LABEL, ", label_columns: [A]"));
        assertTrue(e.getMessage().contains("'yes' in column 'A' of m.csv line 2 is not 1, 0, -1"), e.getMessage());
    }

    @Test
    void regressionTargetIsStandardisedWithTheTrainSplitAndRestored() throws IOException {
        manifest("image,months", "10", "20", "30", "40", "50", "60", "70", "80");
        DataConfig data = data(Problem.REGRESSION, ", label_column: months");
        try (DataPipeline p = DataPipeline.open(data, Problem.REGRESSION, 1, 8, Normalization.IMAGENET)) {
            assertEquals(List.of("months"), p.classes());
            List<ImageEntry> train = p.dataset().entries(Split.TRAIN);
            double mean = train.stream().mapToDouble(e -> e.target()[0]).average().orElseThrow();
            TargetScaling scaling = p.targetScaling();
            assertEquals(mean, scaling.mean(), 1e-6);
            ImageBatchIterator it = p.train(train.size());
            DataSet batch = it.next();
            assertNull(batch.getLabelsMaskArray(), "nothing to mask");
            float[] z = batch.getLabels().toFloatVector();
            double sum = 0;
            double squares = 0;
            for (int i = 0; i < z.length; i++) {
                sum += z[i];
                squares += z[i] * z[i];
                String name = Path.of(((SampleRef) batch.getExampleMetaData().get(i)).path()).getFileName().toString();
                assertEquals(targets(p.dataset()).get(name)[0], scaling.restore(z[i]), 1e-4);
            }
            assertEquals(0, sum / z.length, 1e-5, "train targets have mean 0");
            assertEquals(1, squares / z.length, 1e-4, "and variance 1");
        }
    }

    @Test
    void nonNumericTargetAndMissingColumnAreClearErrors() throws IOException {
        manifest("image,months", "12", "about 30");
        GraftException e = assertThrows(GraftException.class, () -> scan(Problem.REGRESSION, ", label_column: months"));
        assertEquals(GraftException.USAGE, e.exitCode());
        assertEquals("data.csv.label_column: 'about 30' in column 'months' of m.csv line 3 is not a number; a "
                + "regression target must be numeric", e.getMessage());
        ConfigException missing = assertThrows(ConfigException.class,
                () -> scan(Problem.REGRESSION, ", label_column: age"));
        assertEquals("data.csv.label_column", missing.errors().get(0).path());
        ConfigException missingLabel = assertThrows(ConfigException.class,
                () -> scan(Problem.MULTI_LABEL, ", label_columns: [months, Edema]"));
        assertEquals("data.csv.label_columns[1]", missingLabel.errors().get(0).path());
        assertNotNull(missingLabel.errors().get(0).message());
    }
}
