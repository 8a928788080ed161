package dev.sirocco.evals.suite;

/**
 * A suite (or a file it references) is wrong in a way its author can fix: the message names the file,
 * the line and the field, so the CLI can print it as one sentence and exit 2.
 */
public final class SuiteException extends RuntimeException {
    private final String source;
    private final int line;

    public SuiteException(String source, int line, String message) {
        super(source + (line > 0 ? " line " + line : "") + ": " + message);
        this.source = source;
        this.line = line;
    }

    /** The file name the problem is in, as the suite named it. */
    public String source() {
        return source;
    }

    /** 1-based line of the offending value, or 0 where no line applies (a missing file, a CSV cell). */
    public int line() {
        return line;
    }
}
