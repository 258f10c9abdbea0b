package dev.graft.data;

import dev.graft.config.Seeds;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One training sample as a small, serialisable description: which file, its class, what the scan learned about
 * it, and the seed of its augmentation. A cluster's executors turn these into tensors with a
 * {@link BatchDecoder}, so the driver ships file names rather than pixels.
 *
 * @param path   the image file (the same path must be readable where the sample is decoded)
 * @param label  index into the dataset's class list
 * @param format container format from the scan (lets the decoder use reduced-size JPEG decoding)
 * @param width  width as displayed
 * @param height height as displayed
 * @param mode   pixel layout from the scan
 * @param bytes  file size
 * @param seed   seed of this sample's augmentation in its epoch
 * @param target a multi-label or regression head's target as the loss sees it ({@link BatchTargets#lossTarget}:
 *               standardised, NaN unknown); null for a single-label head
 */
public record SampleSpec(String path, int label, ImageFormat format, int width, int height, String mode, long bytes,
                         long seed, float[] target) implements Serializable {

    /**
     * The training samples of epoch {@code epoch} (0-based) in visiting order, with the augmentation seeds
     * {@link ImageBatchIterator} uses: batch {@code i} of {@code data.train(batchSize)} holds samples
     * {@code [i * batchSize, (i + 1) * batchSize)} of this list, decoded identically.
     *
     * @param rootSeed the experiment's root seed (the one {@code data} was opened with)
     */
    public static List<SampleSpec> trainEpoch(DataPipeline data, long rootSeed, int epoch) {
        List<ImageEntry> entries = data.dataset().entries(Split.TRAIN);
        int[] order = data.trainOrder().order(epoch);
        long augmentSeed = Seeds.derive(rootSeed, "augment");
        TargetScaling scaling = data.targetScaling();
        List<SampleSpec> out = new ArrayList<>(order.length);
        for (int position = 0; position < order.length; position++) {
            ImageEntry e = entries.get(order[position]);
            ImageInfo info = e.info();
            out.add(new SampleSpec(e.path().toString(), e.label(), info.format(), info.width(), info.height(),
                    info.mode(), info.bytes(), Seeds.derive(augmentSeed, epoch + "/" + position),
                    BatchTargets.lossTarget(e, scaling)));
        }
        return out;
    }

    ImageEntry entry() {
        return new ImageEntry(Path.of(path), label, new ImageInfo(format, width, height, mode, bytes));
    }
}
