package dev.sirocco.chat.constraint;

/** A JSON schema this compiler cannot enforce, or one no value satisfies; {@link #path()} names the keyword. */
public final class SchemaException extends IllegalArgumentException {
    private final String path;

    public SchemaException(String path, String message) {
        super(path + ": " + message);
        this.path = path;
    }

    /** Dotted path of the offending keyword, e.g. {@code properties.x.type}. */
    public String path() {
        return path;
    }
}
