package dev.sirocco.cli;

import dev.sirocco.engine.gguf.GgufFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resolves a command's {@code --model} argument to a GGUF file, with the one error message every command gives. */
final class ModelFile {
    private ModelFile() {
    }

    static Path existing(String model) {
        Path p = Path.of(model);
        if (!Files.isRegularFile(p)) {
            throw new BadInputException("model file not found: " + model + " (give the path to a .gguf file)");
        }
        return p;
    }

    /** Maps the file (metadata only is read; nothing is copied). */
    static GgufFile open(String model) throws IOException {
        return GgufFile.open(existing(model));
    }
}
