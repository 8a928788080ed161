package dev.sirocco.cli;

import dev.sirocco.engine.runtime.Engine;
import dev.sirocco.engine.runtime.EngineOptions;
import dev.sirocco.models.memory.MemoryCheck;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;

/** The options shared by every command that loads one model: which file, and how to load it. */
public final class ModelOptions {
    @Option(names = {"-m", "--model"}, required = true, paramLabel = "M", description = "Path to a .gguf file, or a model id from the store (sirocco list).")
    String model;

    @Mixin
    EngineFlags engine;

    Path modelPath() {
        return ModelFile.existing(model, engine.dataDir());
    }

    EngineOptions engineOptions() {
        return engine.engineOptions();
    }

    Engine load() throws IOException {
        Path path = modelPath();
        MemoryCheck.beforeLoading(path, engineOptions()); // refuse with the numbers rather than fail half way
        return Engine.load(path, engineOptions());
    }
}
