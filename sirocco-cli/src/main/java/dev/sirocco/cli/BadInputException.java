package dev.sirocco.cli;

/** A command's input is wrong in a way the user can fix; the message says how. Exits with code 2. */
public class BadInputException extends RuntimeException {
    public BadInputException(String message) {
        super(message);
    }
}
