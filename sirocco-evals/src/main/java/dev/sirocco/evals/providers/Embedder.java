package dev.sirocco.evals.providers;

import java.util.List;

/** Turns texts into vectors, for the {@code similar} assertion. */
public interface Embedder {
    /** One vector per text, in order; throws {@link java.io.UncheckedIOException} with a clear message on failure. */
    List<double[]> embed(List<String> texts);
}
