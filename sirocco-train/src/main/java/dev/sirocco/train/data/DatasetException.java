package dev.sirocco.train.data;

/** A training file that cannot be used, with where ({@code file line N}) and what is wrong; bad input, not a bug. */
public final class DatasetException extends IllegalArgumentException {
    public DatasetException(String where, String problem) {
        super(where + ": " + problem);
    }
}
