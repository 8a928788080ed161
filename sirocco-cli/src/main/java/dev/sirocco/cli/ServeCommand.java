package dev.sirocco.cli;

import dev.sirocco.engine.runtime.AppliedLora;
import dev.sirocco.server.ApiServer;
import dev.sirocco.server.ServedModel;
import dev.sirocco.server.ServerOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code sirocco serve}: the OpenAI- and Mistral-compatible HTTP API over one model, until interrupted. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve a model over an OpenAI- and Mistral-compatible HTTP API (/v1/chat/completions, /v1/completions, /v1/models, /health, /metrics).")
final class ServeCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Option(names = "--host", paramLabel = "HOST", defaultValue = ServerOptions.DEFAULT_HOST,
            description = "Address to listen on (default 127.0.0.1). Any non-loopback address requires --api-key.")
    String host;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080", description = "TCP port (default 8080; 0 picks a free one).")
    int port;

    @Option(names = "--api-key", paramLabel = "KEY",
            description = "Require 'Authorization: Bearer KEY' on every API call (default: $SIROCCO_API_KEY; without a key only loopback hosts are allowed).")
    String apiKey;

    @Option(names = "--parallel", paramLabel = "N", defaultValue = "4",
            description = "Sequences generated together in one batched forward pass, each with its own KV cache of --ctx tokens (default 4).")
    int parallel;

    @Option(names = "--queue", paramLabel = "N", defaultValue = "16",
            description = "Sequences that may wait for a free slot; more get 429 (default 16).")
    int queue;

    @Option(names = "--adapter", paramLabel = "ID=F.gguf[:SCALE]",
            description = "Also serve the model with this LoRA adapter under the model id ID (repeatable); requests for it"
                    + " are batched with the base model's.")
    List<String> adapters = List.of();

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
        ServerOptions options;
        try {
            options = new ServerOptions(host, port, key, maxBody); // refuses a non-loopback host without a key, before loading
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
        ServedModel served = ServedModel.load(model.modelPath(), model.engineOptions(), parallel, queue);
        ApiServer server;
        try {
            List<ServedModel> all = new ArrayList<>(List.of(served));
            for (String spec : adapters) {
                int eq = spec.indexOf('=');
                if (eq <= 0 || eq == spec.length() - 1) {
                    throw new BadInputException("--adapter " + spec + ": expected ID=F.gguf[:SCALE], e.g. my-model-ft=adapter.gguf");
                }
                all.add(served.withAdapters(spec.substring(0, eq), List.of(AppliedLora.parse(spec.substring(eq + 1)))));
            }
            server = ApiServer.start(options, all);
        } catch (RuntimeException | IOException e) {
            served.close();
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            served.close();
            stopped.countDown();
        }, "sirocco-serve-shutdown"));
        System.err.printf("sirocco: serving '%s' at http://%s:%d/v1 (context %d tokens, %d sequences batched together, %d may wait)%s%n",
                served.id(), host.contains(":") ? "[" + host + "]" : host, server.port(), served.engine().contextSize(), parallel, queue,
                key == null ? "" : "; API key required");
        stopped.await();
        return Main.EXIT_OK;
    }
}
