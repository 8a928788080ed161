package dev.sirocco.train.model;

import dev.sirocco.engine.gguf.GgufFile;
import dev.sirocco.engine.model.ModelConfig;
import dev.sirocco.engine.model.ModelWeights;
import dev.sirocco.engine.tensor.Kernels;
import dev.sirocco.engine.tensor.KernelsFactory;
import dev.sirocco.engine.tensor.Parallel;
import dev.sirocco.engine.tokenizer.Tokenizer;
import dev.sirocco.engine.tokenizer.Vocabularies;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The frozen model training starts from, loaded exactly as the engine loads it (same config, weights, kernels and
 * tokenizer), so what is trained is the model the engine serves.
 */
public final class BaseModel implements AutoCloseable {
    private final GgufFile file;
    private final ModelConfig config;
    private final ModelWeights weights;
    private final Parallel parallel;
    private final Kernels kernels;
    private final Tokenizer tokenizer;

    private BaseModel(GgufFile file, int threads, boolean scalar) {
        this.file = file;
        this.config = ModelConfig.from(file.metadata());
        this.parallel = new Parallel(threads);
        this.kernels = KernelsFactory.create(parallel, scalar);
        this.weights = ModelWeights.load(file, config, kernels);
        this.tokenizer = Tokenizer.create(Vocabularies.fromMetadata(file.metadata()));
    }

    public static BaseModel load(Path path, int threads) throws IOException {
        return load(path, threads, false);
    }

    /** @param scalar use the scalar reference kernels (as {@code EngineOptions.KernelChoice.SCALAR}) */
    public static BaseModel load(Path path, int threads, boolean scalar) throws IOException {
        GgufFile file = GgufFile.open(path);
        try {
            return new BaseModel(file, threads, scalar);
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }

    public GgufFile file() {
        return file;
    }

    public ModelConfig config() {
        return config;
    }

    public ModelWeights weights() {
        return weights;
    }

    public Kernels kernels() {
        return kernels;
    }

    /** The threads the kernels run on; training's element-wise ops share them. */
    public Parallel parallel() {
        return parallel;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    @Override
    public void close() {
        parallel.close();
        file.close();
    }
}
