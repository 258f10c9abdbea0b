package dev.graft.train;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reads a report.html's galleries back, as a person would look at them: the images each gallery shows, in order. */
final class ReportGalleries {
    /** Largest report of a tiny test run, in bytes (the thumbnails are small; a few MB for a real run). */
    static final long SIZE_CAP = 1_500_000;
    private static final Pattern FIGURE = Pattern.compile("<figure title='([^']*)'>(.*?)</figure>");
    private static final Pattern IMAGE = Pattern.compile("src='data:image/(png|jpeg);base64,([^']*)'");

    private ReportGalleries() {
    }

    /** One figure: the image file it shows, its two pictures (image, overlay) and its caption's HTML. */
    record Figure(String path, List<BufferedImage> pictures, String html) {
    }

    /** The figures under the heading {@code <h3>title</h3>}, in page order; fails when there is no such heading. */
    static List<Figure> gallery(String html, String title) throws IOException {
        int start = html.indexOf("<h3>" + title + "</h3>");
        assertTrue(start >= 0, "the report has a gallery '" + title + "'");
        int end = html.indexOf("<h", start + 4);
        Matcher m = FIGURE.matcher(html.substring(start, end < 0 ? html.length() : end));
        List<Figure> out = new ArrayList<>();
        while (m.find()) {
            List<BufferedImage> pictures = new ArrayList<>();
            Matcher img = IMAGE.matcher(m.group(2));
            while (img.find()) {
                byte[] bytes = Base64.getDecoder().decode(img.group(2));
                BufferedImage picture = ImageIO.read(new ByteArrayInputStream(bytes));
                assertNotNull(picture, "an embedded picture decodes");
                pictures.add(picture);
            }
            out.add(new Figure(m.group(1), pictures, m.group(2)));
        }
        return out;
    }

    /** Checks that {@code f} shows an image of {@code size} px and a Grad-CAM overlay that is not the image itself. */
    static void assertImageWithOverlay(Figure f, int size) {
        assertEquals(2, f.pictures().size(), "image and overlay: " + f.path());
        BufferedImage image = f.pictures().get(0);
        BufferedImage overlay = f.pictures().get(1);
        assertEquals(size, image.getWidth());
        assertEquals(size, overlay.getHeight());
        boolean differs = false;
        for (int y = 0; y < size && !differs; y++) {
            for (int x = 0; x < size && !differs; x++) {
                differs = image.getRGB(x, y) != overlay.getRGB(x, y);
            }
        }
        assertTrue(differs, "the overlay colours the image: " + f.path());
    }
}
