package dev.graft.export;

/** The image's header declares more pixels than the {@link Classifier}'s limit; it was not decoded. */
public class ImageTooLargeException extends InvalidImageException {
    private static final long serialVersionUID = 1L;

    public ImageTooLargeException(String message) {
        super(message);
    }
}
