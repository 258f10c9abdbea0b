package dev.graft.export;

import dev.graft.testing.PngBomb;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The classifier refuses image bombs from their header, and does not pass its own bugs off as bad images. */
class ClassifierLimitsTest {
    @TempDir
    static Path dir;
    static Path bundle;
    static Classifier classifier;

    @BeforeAll
    static void load() throws IOException {
        bundle = TinyBundle.write(dir.resolve("bundle"));
        classifier = Classifier.load(bundle);
    }

    @AfterAll
    static void close() {
        classifier.close();
    }

    @Test
    void aPngOf20000x20000PixelsIsRefusedFromItsHeaderBytesOrFile() throws IOException {
        byte[] bomb = PngBomb.grey1(20_000, 20_000);
        assertEquals(Classifier.DEFAULT_MAX_PIXELS, classifier.maxPixels());
        ImageTooLargeException bytes = assertThrows(ImageTooLargeException.class, () -> classifier.predict(bomb));
        assertEquals("image too large: 20000 x 20000 pixels (400 MP) is over the limit of 50 MP; downscale it",
                bytes.getMessage());
        Path file = Files.write(dir.resolve("bomb.png"), bomb);
        ImageTooLargeException fromFile = assertThrows(ImageTooLargeException.class, () -> classifier.predict(file));
        assertTrue(fromFile.getMessage().startsWith(file + ": image too large"), fromFile.getMessage());
        assertEquals(2, fromFile.exitCode(), "bad input, not an internal error");
    }

    @Test
    void theLimitIsTheCallersAndImagesWithinItArePredicted() throws IOException {
        byte[] image = PngBomb.grey1(300, 200);
        assertTrue(TinyBundle.LABELS.contains(classifier.predict(image).label()), "60000 pixels: predicted");
        try (Classifier strict = Classifier.load(bundle, null, 50_000)) {
            ImageTooLargeException e = assertThrows(ImageTooLargeException.class, () -> strict.predict(image));
            assertTrue(e.getMessage().contains("300 x 200 pixels (0.06 MP) is over the limit of 0.05 MP"),
                    e.getMessage());
        }
    }

    @Test
    void aBugIsNotReportedAsAnUnreadableImage() {
        // A null image is the caller's bug; it used to come back as InvalidImageException "cannot decode the image".
        assertThrows(NullPointerException.class, () -> classifier.predictImages(Arrays.asList((BufferedImage) null)));
    }
}
