package dev.sirocco.evals.suite;

import java.util.Map;

/**
 * A provider as the suite declares it, checked but not yet connected.
 *
 * @param id     promptfoo's provider id: {@code openai:chat:MODEL}, {@code mistral:MODEL}, {@code sirocco:PATH.gguf}
 * @param label  the name reports use (defaults to the id)
 * @param config the provider's {@code config} block, keys already checked against what the provider supports
 * @param line   where it was declared, for errors found when it is connected
 */
public record ProviderSpec(String id, String label, Map<String, Object> config, String source, int line) {
    public ProviderSpec {
        config = Map.copyOf(config);
    }
}
