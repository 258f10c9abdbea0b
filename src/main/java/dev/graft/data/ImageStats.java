package dev.graft.data;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Size and mode statistics over a set of images.
 *
 * @param width   min / median / max width in pixels
 * @param height  min / median / max height in pixels
 * @param modes   pixel mode ({@code RGB}, {@code L}, ...) to count
 * @param formats container format to count
 */
public record ImageStats(Range width, Range height, Map<String, Integer> modes, Map<String, Integer> formats) {

    /** Minimum, median and maximum; all 0 for no images. */
    public record Range(int min, int median, int max) {
        static Range of(int[] values) {
            if (values.length == 0) {
                return new Range(0, 0, 0);
            }
            int[] sorted = values.clone();
            Arrays.sort(sorted);
            return new Range(sorted[0], sorted[(sorted.length - 1) / 2], sorted[sorted.length - 1]);
        }

        @Override
        public String toString() {
            return min == max ? String.valueOf(min) : min + "-" + max + " (median " + median + ")";
        }
    }

    static ImageStats of(List<ImageInfo> infos) {
        Map<String, Integer> modes = new TreeMap<>();
        Map<String, Integer> formats = new TreeMap<>();
        for (ImageInfo info : infos) {
            modes.merge(info.mode(), 1, Integer::sum);
            formats.merge(info.format().toString(), 1, Integer::sum);
        }
        return new ImageStats(Range.of(infos.stream().mapToInt(ImageInfo::width).toArray()),
                Range.of(infos.stream().mapToInt(ImageInfo::height).toArray()), modes, formats);
    }
}
