package dev.sirocco.evals.run;

import dev.sirocco.evals.assertions.Graders;
import dev.sirocco.evals.providers.Embedder;
import dev.sirocco.evals.providers.Provider;
import dev.sirocco.evals.providers.Providers;
import dev.sirocco.evals.suite.ProviderSpec;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/** Connects each grader a suite names once and reuses it for every assertion; closes them at the end of the run. */
final class GraderPool implements Graders, AutoCloseable {
    private final Path baseDir;
    private final Function<String, String> env;
    private final Map<ProviderSpec, Provider> chats = new ConcurrentHashMap<>();
    private final Map<ProviderSpec, Embedder> embedders = new ConcurrentHashMap<>();

    GraderPool(Path baseDir, Function<String, String> env) {
        this.baseDir = baseDir;
        this.env = env;
    }

    @Override
    public Provider chat(ProviderSpec spec) {
        return chats.computeIfAbsent(spec, s -> Providers.create(s, baseDir, env));
    }

    @Override
    public Embedder embedder(ProviderSpec spec) {
        return embedders.computeIfAbsent(spec, s -> Providers.embedder(s, env));
    }

    @Override
    public void close() {
        chats.values().forEach(Provider::close);
    }
}
