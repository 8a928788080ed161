package dev.sirocco.chat.constraint;

/** A JSON schema this compiler cannot enforce, or one no value satisfies; {@link #path()} names the keyword. */
public final class SchemaException extends IllegalArgumentException {
    private final String path;
    private final boolean unsupported;

    public SchemaException(String path, String message) {
        this(path, message, false);
    }

    SchemaException(String path, String message, boolean unsupported) {
        super(path + ": " + message);
        this.path = path;
        this.unsupported = unsupported;
    }

    /** Whether the schema is valid JSON Schema that uses a keyword or form this compiler does not enforce. */
    public boolean unsupported() {
        return unsupported;
    }

    /** Dotted path of the offending keyword, e.g. {@code properties.x.type}. */
    public String path() {
        return path;
    }
}
