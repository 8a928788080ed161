package dev.sirocco.models;

/**
 * A request about models that cannot be met as given (unknown id, repository not found, gated, checksum mismatch,
 * not enough memory or disk): the message is one sentence the user can act on, and the CLI exits with 2.
 */
public class ModelRequestException extends RuntimeException {
    public ModelRequestException(String message) {
        super(message);
    }

    public ModelRequestException(String message, Throwable cause) {
        super(message, cause);
    }
}
