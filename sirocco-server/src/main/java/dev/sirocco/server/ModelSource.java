package dev.sirocco.server;

import dev.sirocco.engine.runtime.EngineOptions;

import dev.sirocco.models.store.ModelStore;

import java.nio.file.Path;
import java.util.List;

/**
 * A model the server can answer for, loaded or not: where its GGUF file is and how to load it.
 *
 * @param id       the id clients send ({@code model} in requests)
 * @param file     the GGUF file
 * @param options  engine options (threads, context, KV cache type)
 * @param parallel sequences generated together in one batched forward pass
 * @param queue    sequences that may wait for a free slot
 */
public record ModelSource(String id, Path file, EngineOptions options, int parallel, int queue) {
    public ModelSource {
        if (parallel < 1 || queue < 1) {
            throw new IllegalArgumentException("parallel and queue must be at least 1, got " + parallel + " and " + queue);
        }
    }

    /** Every model in {@code store}, under its store id, loaded with the same settings. */
    public static List<ModelSource> inStore(ModelStore store, EngineOptions options, int parallel, int queue) {
        return store.list().stream()
                .map(m -> new ModelSource(m.id(), store.modelFile(m.id()), options, parallel, queue))
                .toList();
    }
}
