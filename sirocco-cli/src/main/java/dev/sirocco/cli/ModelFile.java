package dev.sirocco.cli;

import dev.sirocco.engine.gguf.GgufFile;
import dev.sirocco.models.store.ModelStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Resolves a command's {@code --model} argument to a GGUF file: a path, or the id of a model in the store
 * ({@code --data-dir}), with the one error message every command gives.
 */
final class ModelFile {
    private ModelFile() {
    }

    static Path existing(String model) {
        return existing(model, ModelStore.defaultDataDir());
    }

    static Path existing(String model, Path dataDir) {
        Path p = Path.of(model);
        if (Files.isRegularFile(p)) {
            return p;
        }
        // Store ids never contain '/' or end in .gguf: such an argument was meant as a path.
        if (model.contains("/") || model.contains(java.io.File.separator) || model.toLowerCase(java.util.Locale.ROOT).endsWith(".gguf")) {
            throw new BadInputException("model file not found: " + model + " (give the path to a .gguf file or a model id from 'sirocco list')");
        }
        return new ModelStore(dataDir).resolve(model);
    }

    /** Maps the file (metadata only is read; nothing is copied). */
    static GgufFile open(String model) throws IOException {
        return GgufFile.open(existing(model));
    }
}
