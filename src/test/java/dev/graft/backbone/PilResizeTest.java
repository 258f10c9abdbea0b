package dev.graft.backbone;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * {@link PilResize} gives Pillow's bytes. Expected values come from Pillow 9.4 (Debian python3-pil):
 * <pre>
 * a[y, x] = [(x*37 + y*11) % 256, (x*x*5 + y*29) % 256, (x*y*13 + 7) % 256]   (uint8 RGB, w x h)
 * Image.fromarray(a, 'RGB').resize((ow, oh), Image.BILINEAR)
 * </pre>
 * covering antialiased shrinking on both axes, enlarging, and one axis only in each direction.
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
}
