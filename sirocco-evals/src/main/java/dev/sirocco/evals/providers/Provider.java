package dev.sirocco.evals.providers;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/** Something that answers chat messages: an OpenAI-compatible endpoint, or a model run in-process. */
public interface Provider extends AutoCloseable {
    /** The name reports use. */
    String label();

    /** The tools the provider offers the model (OpenAI format), for {@code is-valid-openai-tools-call}. */
    List<Object> tools();

    /**
     * Everything that determines the answer, as canonical JSON: the cache key is its hash, so two requests
     * that could answer differently must describe themselves differently.
     */
    ObjectNode describe(List<Message> messages);

    /** Sends the messages; failures come back as {@link ProviderResponse#failure}, never as exceptions. */
    ProviderResponse complete(List<Message> messages);

    @Override
    default void close() {
    }
}
