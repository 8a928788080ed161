package dev.sirocco.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The small chat model that ships in the repository ({@code default-model/}, see its MODEL_CARD.md), so that
 * {@code sirocco serve} with no {@code --model} works on a fresh machine with no download. The launcher tells where
 * the installation is through the {@code sirocco.home} system property.
 */
final class DefaultModel {
    static final String ID = "sirocco-mini";
    static final String FILE = "default-model/sirocco-mini.gguf";

    private DefaultModel() {
    }

    /** The model file, if this installation has one. */
    static Optional<Path> file() {
        String home = System.getProperty("sirocco.home");
        if (home == null || home.isBlank()) {
            return Optional.empty();
        }
        Path f = Path.of(home).resolve(FILE);
        return Files.isRegularFile(f) ? Optional.of(f) : Optional.empty();
    }
}
