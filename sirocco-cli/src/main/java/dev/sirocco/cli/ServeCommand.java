package dev.sirocco.cli;

import dev.sirocco.server.ApiServer;
import dev.sirocco.server.ServedModel;
import dev.sirocco.server.ServerOptions;
import dev.sirocco.server.store.Database;
import dev.sirocco.server.store.KeyStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code sirocco serve}: the OpenAI- and Mistral-compatible HTTP API over one model, until interrupted. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve a model over an OpenAI- and Mistral-compatible HTTP API (/v1/chat/completions, /v1/completions, /v1/embeddings, /v1/models, /v1/usage, /health, /metrics).")
final class ServeCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Option(names = "--host", paramLabel = "HOST", defaultValue = ServerOptions.DEFAULT_HOST,
            description = "Address to listen on (default 127.0.0.1). Any non-loopback address requires keys: --api-key, or keys from 'sirocco keys create'.")
    String host;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080", description = "TCP port (default 8080; 0 picks a free one).")
    int port;

    @Option(names = "--api-key", paramLabel = "KEY",
            description = "Require 'Authorization: Bearer KEY' (this key or a stored one) on every API call (default: $SIROCCO_API_KEY).")
    String apiKey;

    @Option(names = "--request-timeout", paramLabel = "SECONDS", defaultValue = "600",
            description = "Stop a generation that runs longer, queueing included: 504, or an error event on a stream (default 600).")
    long requestTimeout;

    @Option(names = "--parallel", paramLabel = "N", defaultValue = "4",
            description = "Sequences generated together in one batched forward pass, each with its own KV cache of --ctx tokens (default 4).")
    int parallel;

    @Option(names = "--queue", paramLabel = "N", defaultValue = "16",
            description = "Sequences that may wait for a free slot; more get 429 (default 16).")
    int queue;

    @Option(names = "--max-body", paramLabel = "BYTES", defaultValue = "1048576",
            description = "Largest request body accepted; larger ones get 413 (default 1 MiB).")
    long maxBody;

    @Override
    public Integer call() throws Exception {
        String key = apiKey != null ? apiKey : System.getenv("SIROCCO_API_KEY");
        if (key != null && key.isBlank()) {
            throw new BadInputException("--api-key must not be empty");
        }
        if (queue < 1) {
            throw new BadInputException("--queue must be at least 1, got " + queue);
        }
        if (parallel < 1) {
            throw new BadInputException("--parallel must be at least 1, got " + parallel);
        }
        if (requestTimeout < 1) {
            throw new BadInputException("--request-timeout must be at least 1 second, got " + requestTimeout);
        }
        Database database = DataDirOption.openDatabase(model.dataDir()); // keys and usage
        long storedKeys = new KeyStore(database).countActive();
        ServerOptions options;
        try {
            // refuses a non-loopback host without any key, before loading
            options = new ServerOptions(host, port, key, maxBody, Duration.ofSeconds(requestTimeout), storedKeys > 0);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
        ServedModel served = ServedModel.load(model.modelPath(), model.engineOptions(), parallel, queue);
        ApiServer server;
        try {
            server = ApiServer.start(options, List.of(served), database);
        } catch (RuntimeException e) {
            served.close();
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            served.close();
            stopped.countDown();
        }, "sirocco-serve-shutdown"));
        System.err.printf("sirocco: serving '%s' at http://%s:%d/v1 (context %d tokens, %d sequences batched together, %d may wait)%s%s%n",
                served.id(), host.contains(":") ? "[" + host + "]" : host, server.port(), served.engine().contextSize(), parallel, queue,
                options.keyRequired() ? "; API key required" : "", storedKeys == 0 ? "" : "; " + storedKeys + " stored keys accepted");
        stopped.await();
        return Main.EXIT_OK;
    }
}
