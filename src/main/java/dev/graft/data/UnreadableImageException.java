package dev.graft.data;

import dev.graft.GraftException;

/** An input that is not a readable image: empty, not an image format, unsupported (GIF), truncated or corrupt. */
public class UnreadableImageException extends GraftException {
    private static final long serialVersionUID = 1L;

    public UnreadableImageException(String message) {
        super(message, USAGE, null);
    }

    public UnreadableImageException(String message, Throwable cause) {
        super(message, USAGE, cause);
    }
}
