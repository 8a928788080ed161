package dev.sirocco.engine.gguf;

/**
 * A metadata key that is missing or holds another type than the caller asked for; the message names
 * the key, the expected and the actual type.
 */
public class GgufMetadataException extends IllegalArgumentException {

    private final String key;

    public GgufMetadataException(String key, String message) {
        super("metadata key '" + key + "': " + message);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
