package dev.sirocco.engine.runtime;

import dev.sirocco.engine.gguf.GgufFile;
import dev.sirocco.engine.model.AdapterSet;
import dev.sirocco.engine.model.KvCache;
import dev.sirocco.engine.model.LoraAdapter;
import dev.sirocco.engine.model.ModelConfig;
import dev.sirocco.engine.model.ModelWeights;
import dev.sirocco.engine.model.Transformer;
import dev.sirocco.engine.tensor.Kernels;
import dev.sirocco.engine.tensor.KernelsFactory;
import dev.sirocco.engine.tensor.Parallel;
import dev.sirocco.engine.tokenizer.Tokenizer;
import dev.sirocco.engine.tokenizer.Vocabularies;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The engine's front door: a loaded GGUF model with its tokenizer and kernels, from which sessions
 * (one per sequence) are made. Everything above the engine — CLI, server, training, evals — goes through here.
 */
public final class Engine implements AutoCloseable {
    private final GgufFile file;
    private final ModelConfig config;
    private final ModelWeights weights;
    private final Tokenizer tokenizer;
    private final Parallel parallel;
    private final Kernels kernels;
    private final EngineOptions options;
    private final int contextSize;

    private Engine(GgufFile file, EngineOptions options) throws IOException {
        this.file = file;
        this.options = options;
        int shards = file.metadata().getInt("split.count", 1);
        if (shards > 1) {
            // A shard holds only some tensors: say so rather than report the first tensor missing.
            throw new dev.sirocco.engine.model.UnsupportedModelException(file.path().getFileName() + " is shard "
                    + (file.metadata().getInt("split.no", 0) + 1) + " of " + shards + " of a split GGUF model; join the"
                    + " shards into one file first ('sirocco pull' joins them when it downloads; for local shards,"
                    + " llama.cpp's 'llama-gguf-split --merge FIRST-SHARD.gguf OUT.gguf')");
        }
        this.config = ModelConfig.from(file.metadata());
        KvCache.requireSupported(config, options.kvType());
        this.parallel = new Parallel(options.threads());
        try {
            this.kernels = KernelsFactory.create(parallel, options.kernels() == EngineOptions.KernelChoice.SCALAR,
                    options.sequences());
            this.weights = withAdapters(ModelWeights.load(file, config, kernels), options, config);
            this.tokenizer = Tokenizer.create(Vocabularies.fromMetadata(file.metadata()));
        } catch (RuntimeException | IOException e) {
            parallel.close(); // its threads would otherwise outlive a model that failed to load
            throw e;
        }
        int ctx = options.contextSize() > 0 ? options.contextSize() : Math.min(config.contextLength(), EngineOptions.DEFAULT_MAX_CONTEXT);
        this.contextSize = ctx;
    }

    private static ModelWeights withAdapters(ModelWeights base, EngineOptions options, ModelConfig config) throws IOException {
        ModelWeights w = base;
        for (AppliedLora l : options.lora()) {
            w = w.withLora(LoraAdapter.load(l.file()), l.scale(), config);
        }
        return w;
    }

    /** Maps the GGUF file at {@code path} and prepares the model; nothing is copied from the weights. */
    public static Engine load(Path path, EngineOptions options) throws IOException {
        GgufFile file = GgufFile.open(path);
        try {
            return new Engine(file, options);
        } catch (RuntimeException | IOException e) {
            file.close();
            throw e;
        }
    }

    public ModelConfig config() {
        return config;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public GgufFile file() {
        return file;
    }

    public EngineOptions options() {
        return options;
    }

    public int contextSize() {
        return contextSize;
    }

    /** How this model's embeddings are pooled: the file's {@code <arch>.pooling_type}, else mean. */
    public Session.Pooling pooling() {
        return Session.Pooling.ofGguf(file.metadata().getInt(config.architecture().ggufName() + ".pooling_type", 1));
    }

    public int vocabSize() {
        return weights.vocabSize();
    }

    /**
     * A forward pass for up to {@code maxBatch} tokens at once. Sessions and schedulers made from one engine share
     * its kernels, which run one matmul at a time: drive an engine from one thread (a {@link Scheduler} does).
     */
    Transformer newTransformer(int maxBatch) {
        return new Transformer(config, weights, kernels, parallel, maxBatch, contextSize);
    }

    /** An empty KV cache of {@link #contextSize()} positions. */
    KvCache newCache() {
        return new KvCache(config, contextSize, options.kvType());
    }

    /** A new, empty sequence with its own KV cache of {@link #contextSize()} positions. */
    public Session newSession() {
        return new Session(newTransformer(options.batchSize()), newCache(), options.batchSize());
    }

    /**
     * LoRA adapters to run chosen sequences with (a fine-tuned model served beside its base), on top of any loaded
     * with {@link EngineOptions#lora()}: pass the set to {@link #newSession(AdapterSet)} or to a {@code Batch} segment.
     */
    public AdapterSet loadAdapters(List<AppliedLora> adapters) throws IOException {
        List<LoraAdapter> loaded = new ArrayList<>();
        List<Float> scales = new ArrayList<>();
        for (AppliedLora a : adapters) {
            loaded.add(LoraAdapter.load(a.file()));
            scales.add(a.scale());
        }
        return new AdapterSet(weights, config, loaded, scales);
    }

    /** A new, empty sequence that runs with {@code adapters} (from {@link #loadAdapters}) on this engine's weights. */
    public Session newSession(AdapterSet adapters) {
        return new Session(newTransformer(options.batchSize()), newCache(), options.batchSize(), adapters);
    }

    @Override
    public void close() {
        parallel.close();
        file.close();
    }
}
