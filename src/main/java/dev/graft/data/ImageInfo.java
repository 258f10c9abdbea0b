package dev.graft.data;

/**
 * What the scan learned about one readable image without decoding its pixels.
 *
 * @param format the container format, from the file's magic bytes
 * @param width  width as displayed (after EXIF rotation)
 * @param height height as displayed (after EXIF rotation)
 * @param mode   pixel layout in PIL's terms: {@code L}, {@code LA}, {@code P}, {@code RGB}, {@code RGBA},
 *               {@code CMYK}, {@code YCCK}, with {@code ;16} (etc.) for more than 8 bits per sample
 * @param bytes  file size
 */
public record ImageInfo(ImageFormat format, int width, int height, String mode, long bytes) {
    /** The shorter side in pixels. */
    public int shorterSide() {
        return Math.min(width, height);
    }
}
