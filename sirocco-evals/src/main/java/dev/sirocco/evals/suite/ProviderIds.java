package dev.sirocco.evals.suite;

import java.util.Set;

/**
 * The provider ids this runner can connect to and the {@code config} keys each accepts; checked when the
 * suite loads so an unsupported provider or option fails with its line instead of being ignored.
 */
public final class ProviderIds {
    private ProviderIds() {
    }

    /** Which wire or engine a provider id names. */
    public enum Kind { OPENAI, MISTRAL, SIROCCO, OPENAI_EMBEDDING }

    /** A checked id: its kind and the model it names (model name, or the GGUF path for sirocco). */
    public record Parsed(Kind kind, String model) {
    }

    static final Set<String> HTTP_CONFIG = Set.of("apiBaseUrl", "apiKey", "apiKeyEnvar", "temperature", "max_tokens",
            "seed", "top_p", "stop", "tools", "tool_choice", "response_format", "frequency_penalty", "presence_penalty",
            "logprobs");
    static final Set<String> MISTRAL_EXTRA = Set.of("random_seed", "safe_prompt");
    static final Set<String> SIROCCO_CONFIG = Set.of("temperature", "max_tokens", "seed", "top_p", "top_k", "min_p",
            "repeat_penalty", "stop", "threads", "context_size", "logprobs");

    static final Set<String> EMBEDDING_CONFIG = Set.of("apiBaseUrl", "apiKey", "apiKeyEnvar");

    public static final String SUPPORTED = "openai:chat:MODEL, openai:MODEL, mistral:MODEL, mistral:chat:MODEL, sirocco:PATH.gguf";

    /** Parses a provider id, or throws naming it; {@code where} is the field path for the message. */
    public static Parsed parse(String id, String source, int line, String where) {
        String[] p = id.split(":", 3);
        if (p.length >= 2 && !p[1].isEmpty()) {
            switch (p[0]) {
                case "openai" -> {
                    if (p.length == 2) {
                        return new Parsed(Kind.OPENAI, p[1]);
                    }
                    if (p[1].equals("chat") && !p[2].isEmpty()) {
                        return new Parsed(Kind.OPENAI, p[2]);
                    }
                    if ((p[1].equals("embedding") || p[1].equals("embeddings")) && !p[2].isEmpty()) {
                        return new Parsed(Kind.OPENAI_EMBEDDING, p[2]);
                    }
                }
                case "mistral" -> {
                    if (p.length == 2) {
                        return new Parsed(Kind.MISTRAL, p[1]);
                    }
                    if (p[1].equals("chat") && !p[2].isEmpty()) {
                        return new Parsed(Kind.MISTRAL, p[2]);
                    }
                }
                case "sirocco" -> {
                    return new Parsed(Kind.SIROCCO, id.substring("sirocco:".length()));
                }
                default -> {
                }
            }
        }
        throw new SuiteException(source, line, where + ": provider '" + id + "' is not supported (supported: " + SUPPORTED + ")");
    }

    static Set<String> configKeys(Kind kind) {
        return switch (kind) {
            case OPENAI -> HTTP_CONFIG;
            case MISTRAL -> union(HTTP_CONFIG, MISTRAL_EXTRA);
            case SIROCCO -> SIROCCO_CONFIG;
            case OPENAI_EMBEDDING -> EMBEDDING_CONFIG;
        };
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        java.util.Set<String> s = new java.util.TreeSet<>(a);
        s.addAll(b);
        return s;
    }
}
