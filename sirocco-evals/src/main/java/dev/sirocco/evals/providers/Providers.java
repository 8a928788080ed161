package dev.sirocco.evals.providers;

import dev.sirocco.evals.suite.ProviderIds;
import dev.sirocco.evals.suite.ProviderSpec;
import dev.sirocco.evals.suite.SuiteException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;

/**
 * Connects a checked {@link ProviderSpec} to its implementation. API keys come from {@code config.apiKey},
 * else the environment variable named by {@code config.apiKeyEnvar}, else {@code OPENAI_API_KEY} /
 * {@code MISTRAL_API_KEY}; base URLs default to the public APIs (or {@code OPENAI_BASE_URL} / {@code MISTRAL_BASE_URL}).
 */
public final class Providers {
    private Providers() {
    }

    public static Provider create(ProviderSpec spec, Path baseDir, Function<String, String> env) {
        ProviderIds.Parsed p = ProviderIds.parse(spec.id(), spec.source(), spec.line(), "provider");
        Map<String, Object> c = spec.config();
        return switch (p.kind()) {
            case OPENAI -> new OpenAiChatProvider(OpenAiChatProvider.Dialect.OPENAI, spec.label(), p.model(),
                    baseUrl(c, env, "OPENAI_BASE_URL", "https://api.openai.com/v1"),
                    apiKey(c, env, "OPENAI_API_KEY"), c, Duration.ofMinutes(5));
            case MISTRAL -> new OpenAiChatProvider(OpenAiChatProvider.Dialect.MISTRAL, spec.label(), p.model(),
                    baseUrl(c, env, "MISTRAL_BASE_URL", "https://api.mistral.ai/v1"),
                    apiKey(c, env, "MISTRAL_API_KEY"), c, Duration.ofMinutes(5));
            case SIROCCO -> {
                Path model = baseDir.resolve(p.model()).normalize();
                if (!Files.isRegularFile(model)) {
                    throw new SuiteException(spec.source(), spec.line(), "provider '" + spec.id()
                            + "': model file " + model + " does not exist");
                }
                yield new SiroccoProvider(spec.label(), model, c);
            }
            case OPENAI_EMBEDDING -> throw new SuiteException(spec.source(), spec.line(), "'" + spec.id()
                    + "' is an embedding provider; it can only grade similar assertions");
        };
    }

    /** The embedding client for a {@code similar} assertion's {@code openai:embedding:MODEL} provider. */
    public static Embedder embedder(ProviderSpec spec, Function<String, String> env) {
        ProviderIds.Parsed p = ProviderIds.parse(spec.id(), spec.source(), spec.line(), "provider");
        if (p.kind() != ProviderIds.Kind.OPENAI_EMBEDDING) {
            throw new SuiteException(spec.source(), spec.line(), "'" + spec.id() + "' is not an embedding provider");
        }
        Map<String, Object> c = spec.config();
        return new OpenAiEmbeddings(p.model(), baseUrl(c, env, "OPENAI_BASE_URL", "https://api.openai.com/v1"),
                apiKey(c, env, "OPENAI_API_KEY"), Duration.ofMinutes(2));
    }

    private static String baseUrl(Map<String, Object> c, Function<String, String> env, String envName, String fallback) {
        if (c.get("apiBaseUrl") != null) {
            return String.valueOf(c.get("apiBaseUrl"));
        }
        String fromEnv = env.apply(envName);
        return fromEnv != null && !fromEnv.isBlank() ? fromEnv : fallback;
    }

    private static String apiKey(Map<String, Object> c, Function<String, String> env, String envName) {
        if (c.get("apiKey") != null) {
            return String.valueOf(c.get("apiKey"));
        }
        if (c.get("apiKeyEnvar") != null) {
            return env.apply(String.valueOf(c.get("apiKeyEnvar")));
        }
        return env.apply(envName);
    }
}
