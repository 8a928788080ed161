package dev.sirocco.server;

import dev.sirocco.engine.runtime.AppliedLora;
import dev.sirocco.engine.runtime.EngineOptions;

import dev.sirocco.models.store.ModelStore;

import java.nio.file.Path;
import java.util.List;

/**
 * A model the server can answer for, loaded or not: where its GGUF file is and how to load it, or, for a LoRA
 * fine-tune, which base model it runs on.
 *
 * @param id       the id clients send ({@code model} in requests)
 * @param file     the GGUF file (a fine-tune's: its base's)
 * @param options  engine options (threads, context, KV cache type)
 * @param parallel sequences generated together in one batched forward pass
 * @param queue    sequences that may wait for a free slot
 * @param base     null for a model of its own; for a fine-tune, the id of the base model whose engine and scheduler it
 *                 shares: its sequences run with {@code adapters} in the same forward passes as the base's
 * @param adapters the fine-tune's LoRA adapters (empty for a model of its own)
 */
public record ModelSource(String id, Path file, EngineOptions options, int parallel, int queue, String base,
                          List<AppliedLora> adapters) {
    public ModelSource {
        if (parallel < 1 || queue < 1) {
            throw new IllegalArgumentException("parallel and queue must be at least 1, got " + parallel + " and " + queue);
        }
        adapters = List.copyOf(adapters);
        if ((base == null) != adapters.isEmpty()) {
            throw new IllegalArgumentException("a fine-tune names both its base and its adapters, got base " + base
                    + " and " + adapters.size() + " adapters");
        }
    }

    /** A model of its own. */
    public ModelSource(String id, Path file, EngineOptions options, int parallel, int queue) {
        this(id, file, options, parallel, queue, null, List.of());
    }

    /** {@code base} with LoRA {@code adapters}, served under {@code id} on {@code base}'s engine and scheduler. */
    public static ModelSource adapterOf(String id, ModelSource base, List<AppliedLora> adapters) {
        if (base.base() != null) {
            throw new IllegalArgumentException("'" + base.id() + "' is itself a fine-tune; adapters go on its base '" + base.base() + "'");
        }
        return new ModelSource(id, base.file(), base.options(), base.parallel(), base.queue(), base.id(), adapters);
    }

    /** Every model in {@code store}, under its store id, loaded with the same settings. */
    public static List<ModelSource> inStore(ModelStore store, EngineOptions options, int parallel, int queue) {
        return store.list().stream()
                .map(m -> new ModelSource(m.id(), store.modelFile(m.id()), options, parallel, queue))
                .toList();
    }
}
