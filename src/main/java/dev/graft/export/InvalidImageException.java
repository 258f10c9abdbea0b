package dev.graft.export;

import dev.graft.GraftException;

/** The input given to a {@link Classifier} is not a readable image (empty, not an image, truncated, corrupt). */
public class InvalidImageException extends GraftException {
    private static final long serialVersionUID = 1L;

    public InvalidImageException(String message) {
        super(message, USAGE, null);
    }
}
