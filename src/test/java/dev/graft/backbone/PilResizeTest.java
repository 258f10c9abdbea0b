package dev.graft.backbone;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * {@link PilResize} gives Pillow's bytes. Expected values come from Pillow 9.4 (Debian python3-pil):
 * <pre>
 * a[y, x] = [(x*37 + y*11) % 256, (x*x*5 + y*29) % 256, (x*y*13 + 7) % 256]   (uint8 RGB, w x h)
 * Image.fromarray(a, 'RGB').resize((ow, oh), Image.BILINEAR)
 * </pre>
 * covering antialiased shrinking on both axes, enlarging, and one axis only in each direction; the same with
 * {@code Image.BICUBIC} (what Hugging Face's ResNet image processors use), from Pillow 9.4 too.
 */
class PilResizeTest {
    static PilResize.Rgb pattern(int w, int h) {
        int[] px = new int[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = (y * w + x) * 3;
                px[i] = (x * 37 + y * 11) % 256;
                px[i + 1] = (x * x * 5 + y * 29) % 256;
                px[i + 2] = (x * y * 13 + 7) % 256;
            }
        }
        return new PilResize.Rgb(w, h, px);
    }

    @Test
    void shrinkingBothAxesMatchesPillow() {
        assertArrayEquals(new int[] {48, 35, 19, 133, 87, 44, 151, 151, 74, 73, 123, 91, 158, 136, 78, 72, 97, 49,
            157, 147, 122, 147, 122, 137, 97, 130, 125, 182, 117, 121, 96, 159, 78, 181, 181, 132, 103, 114, 119,
            121, 129, 113, 206, 125, 112}, PilResize.bilinear(pattern(13, 7), 5, 3).pixels());
    }

    @Test
    void enlargingMatchesPillow() {
        assertArrayEquals(new int[] {0, 0, 7, 5, 1, 7, 21, 3, 7, 37, 5, 7, 53, 11, 7, 69, 18, 7, 74, 20, 7, 3, 7, 7,
            8, 8, 8, 24, 10, 9, 40, 12, 10, 56, 18, 12, 72, 25, 13, 77, 27, 14, 8, 22, 7, 13, 23, 9, 29, 25, 12, 45,
            27, 17, 61, 33, 21, 77, 40, 25, 82, 42, 27, 11, 29, 7, 16, 30, 9, 32, 32, 14, 48, 34, 20, 64, 40, 26, 80,
            47, 31, 85, 49, 33}, PilResize.bilinear(pattern(3, 2), 7, 4).pixels());
    }

    @Test
    void oneAxisOnlyMatchesPillow() {
        assertArrayEquals(new int[] {11, 29, 7, 48, 34, 20, 85, 49, 33, 122, 74, 46, 159, 109, 59, 196, 154, 72,
            233, 197, 85, 14, 99, 86, 51, 93, 99, 88, 178, 112, 36, 94, 7, 73, 99, 49, 110, 114, 91, 147, 139, 133,
            184, 174, 145, 221, 188, 115, 155, 79, 157, 39, 83, 107, 76, 158, 119, 113, 141, 161, 63, 167, 7, 100,
            172, 82, 137, 187, 157, 174, 202, 170, 211, 186, 81, 187, 67, 115, 29, 91, 139, 66, 156, 122, 103, 170,
            115, 140, 60, 138, 88, 151, 7, 125, 156, 111, 162, 171, 215, 199, 91, 75, 236, 68, 167, 29, 101, 85, 54,
            156, 131, 91, 221, 142, 128, 52, 141, 165, 125, 105}, PilResize.bilinear(pattern(10, 10), 10, 4).pixels());
        assertArrayEquals(new int[] {31, 6, 7, 106, 45, 7, 172, 137, 7, 61, 165, 7, 42, 35, 18, 117, 74, 44, 183,
            147, 74, 72, 84, 100, 53, 64, 29, 128, 103, 81, 194, 176, 141, 83, 113, 193, 64, 93, 39, 139, 132, 118,
            205, 136, 189, 94, 91, 82, 75, 122, 50, 150, 161, 149, 147, 165, 81, 53, 120, 124},
                PilResize.bilinear(pattern(9, 5), 4, 5).pixels());
    }

    @Test
    void sameSizeIsACopy() {
        PilResize.Rgb image = pattern(6, 4);
        assertArrayEquals(image.pixels(), PilResize.bilinear(image, 6, 4).pixels());
    }

    @Test
    void bicubicShrinkingBothAxesMatchesPillow() {
        assertArrayEquals(new int[] {40, 26, 15, 141, 84, 40, 154, 156, 73, 63, 122, 89, 164, 140, 75, 65, 92, 42,
            166, 153, 131, 148, 123, 141, 88, 128, 132, 189, 111, 119, 90, 162, 77, 191, 187, 139, 100, 106, 116,
            113, 132, 111, 214, 124, 113},
            PilResize.resize(pattern(13, 7), 5, 3, InputSpec.Resample.BICUBIC).pixels());
    }

    @Test
    void bicubicEnlargingMatchesPillowIncludingClipping() {
        assertArrayEquals(new int[] {0, 0, 7, 2, 0, 7, 17, 0, 6, 36, 2, 6, 55, 9, 5, 70, 16, 5, 77, 18, 5, 1, 6, 7,
            5, 6, 7, 20, 8, 8, 39, 11, 10, 58, 18, 11, 73, 25, 12, 80, 27, 13, 6, 23, 6, 12, 23, 8, 27, 25, 12, 46,
            28, 17, 65, 35, 23, 80, 42, 27, 87, 44, 28, 8, 32, 6, 15, 32, 8, 30, 34, 14, 49, 37, 21, 68, 44, 29, 83,
            51, 34, 90, 53, 36}, PilResize.resize(pattern(3, 2), 7, 4, InputSpec.Resample.BICUBIC).pixels());
    }

    @Test
    void bicubicOneAxisMatchesPillow() {
        assertArrayEquals(new int[] {25, 3, 7, 106, 41, 7, 185, 143, 7, 54, 166, 7, 36, 32, 16, 117, 71, 44, 196,
            157, 74, 65, 81, 102, 47, 61, 25, 128, 100, 81, 207, 186, 141, 76, 110, 197, 58, 90, 33, 139, 137, 119,
            218, 135, 202, 87, 89, 76, 69, 119, 42, 158, 166, 160, 149, 164, 78, 48, 118, 124, 80, 148, 59, 169,
            192, 133, 160, 81, 90, 59, 150, 124},
            PilResize.resize(pattern(9, 6), 4, 6, InputSpec.Resample.BICUBIC).pixels());
    }
}
