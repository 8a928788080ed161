package dev.sirocco.cli;

import dev.sirocco.engine.runtime.EngineOptions;
import dev.sirocco.models.memory.AvailableMemory;
import dev.sirocco.models.memory.MemoryCheck;
import dev.sirocco.models.hub.HubClient;
import dev.sirocco.models.store.ModelStore;
import dev.sirocco.engine.runtime.AppliedLora;
import dev.sirocco.server.ApiServer;
import dev.sirocco.server.FineTuningJobs;
import dev.sirocco.server.ModelRegistry;
import dev.sirocco.server.ModelSource;
import dev.sirocco.server.ServedModel;
import dev.sirocco.server.ServerOptions;
import dev.sirocco.server.store.Database;
import dev.sirocco.server.store.KeyStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code sirocco serve}: the OpenAI- and Mistral-compatible HTTP API, until interrupted. The first {@code --model} is
 * loaded at once and stays loaded; the other files given and every model in the store are loaded on their first
 * request, within a memory budget, and unloaded when idle.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve models over an OpenAI- and Mistral-compatible HTTP API (/v1/chat/completions, /v1/completions, /v1/embeddings, /v1/models, /v1/usage, /health, /metrics).")
final class ServeCommand implements Callable<Integer> {
    @Option(names = {"-m", "--model"}, paramLabel = "M",
            description = "A .gguf file or a model id from the store; repeatable (none: the default model sirocco-mini). The first is loaded at start and stays"
                    + " loaded; the others, and every model in the store, load on their first request.")
    List<String> models = new ArrayList<>();

    @Mixin
    EngineFlags engine;

    @Option(names = "--keep-alive", paramLabel = "DURATION", defaultValue = "5m",
            description = "How long a model loaded on demand stays loaded with no request: 30s, 5m, 1h; 0 keeps it until"
                    + " memory is needed (default 5m).")
    String keepAlive;

    @Option(names = "--memory-budget", paramLabel = "BYTES",
            description = "Memory the models loaded on demand may use together (weights + KV caches): 8G, 512M, or"
                    + " bytes (default: the memory available when the server starts).")
    String memoryBudget;

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

    @Option(names = "--adapter", paramLabel = "ID=F.gguf[:SCALE]",
            description = "Also serve the model with this LoRA adapter under the model id ID (repeatable); requests for it"
                    + " are batched with the base model's.")
    List<String> adapters = List.of();

    @Option(names = "--max-body", paramLabel = "BYTES", defaultValue = "1048576",
            description = "Largest request body accepted; larger ones get 413 (default 1 MiB).")
    long maxBody;

    @Option(names = "--max-upload", paramLabel = "BYTES", defaultValue = "512M",
            description = "Largest file accepted by POST /v1/files (fine-tuning data): 512M, 2G or bytes (default 512M).")
    String maxUpload;

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
        Database database = DataDirOption.openDatabase(engine.dataDir()); // keys and usage
        long storedKeys = new KeyStore(database).countActive();
        ServerOptions options;
        try {
            // refuses a non-loopback host without any key, before loading
            options = new ServerOptions(host, port, key, maxBody, Duration.ofSeconds(requestTimeout), storedKeys > 0);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
        Duration idle = duration(keepAlive);
        ModelStore store = new ModelStore(engine.dataDir());
        EngineOptions engineOptions = engine.engineOptions();
        List<ModelSource> given = new ArrayList<>();
        for (String m : models) {
            Path file = ModelFile.existing(m, engine.dataDir());
            String id = Files.isRegularFile(Path.of(m)) ? ServedModel.idOf(file) : m;
            given.add(new ModelSource(id, file, engineOptions, parallel, queue));
        }
        if (given.isEmpty()) {
            // with no --model, the model that ships with Sirocco is served (and stays loaded), beside the store's
            DefaultModel.file().ifPresent(f -> given.add(new ModelSource(DefaultModel.ID, f, engineOptions, parallel, queue)));
        }
        if (given.isEmpty() && store.list().isEmpty()) {
            throw new BadInputException("no model to serve: give --model FILE.gguf, or pull one into the store at "
                    + store.modelsDir() + " with 'sirocco pull hf:OWNER/REPO' (the default model " + DefaultModel.FILE
                    + " is not in this installation)");
        }
        List<ServedModel> pinned = new ArrayList<>();
        if (!given.isEmpty()) {
            ModelSource first = given.getFirst();
            MemoryCheck.beforeLoading(first.file(), engineOptions);
            pinned.add(ServedModel.load(first.id(), first.file(), engineOptions, parallel, queue));
        }
        long available = AvailableMemory.measure().systemBytes(); // -1 where the OS does not say (no /proc/meminfo)
        long budget = memoryBudget != null ? bytes(memoryBudget) : available >= 0 ? available : Long.MAX_VALUE;
        long uploadLimit = bytes(maxUpload);
        // Files given on the command line first, then the store's models under their ids.
        Supplier<List<ModelSource>> bases = () -> {
            List<ModelSource> all = new ArrayList<>(given);
            all.addAll(ModelSource.inStore(store, engineOptions, parallel, queue));
            return all;
        };
        if (!adapters.isEmpty() && pinned.isEmpty()) {
            throw new BadInputException("--adapter needs a base model: give --model FILE.gguf first");
        }
        ServedModel base = pinned.isEmpty() ? null : pinned.getFirst();
        for (String spec : adapters) {
            int eq = spec.indexOf('=');
            if (eq <= 0 || eq == spec.length() - 1) {
                base.close();
                throw new BadInputException("--adapter " + spec + ": expected ID=F.gguf[:SCALE], e.g. my-model-ft=adapter.gguf");
            }
            // shares the base's engine and scheduler: requests for both are batched together
            pinned.add(base.withAdapters(spec.substring(0, eq), List.of(AppliedLora.parse(spec.substring(eq + 1)))));
        }
        // Fine-tuning jobs start from those models; the models they produce are served beside them.
        FineTuningJobs jobs = new FineTuningJobs(database, engine.dataDir(), bases, engineOptions.threads());
        EvalGate gate = new EvalGate(key); // a job naming an eval suite is promoted only if it beats its base
        jobs.gate(gate);
        Supplier<List<ModelSource>> catalog = jobs.catalog();
        ModelRegistry registry = new ModelRegistry(pinned, catalog, budget, idle);
        ApiServer server;
        try {
            server = ApiServer.start(options, registry, database, store, HubClient.fromEnvironment(), jobs, uploadLimit);
            // the gate talks to this server; a wildcard address is reached on loopback
            String reach = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host.contains(":") ? "[" + host + "]" : host;
            gate.baseUrl("http://" + reach + ":" + server.port());
            jobs.start();
        } catch (RuntimeException e) {
            registry.close();
            pinned.forEach(ServedModel::close);
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            jobs.close();
            registry.close();
            pinned.forEach(ServedModel::close);
            stopped.countDown();
        }, "sirocco-serve-shutdown"));
        String loadedNow = pinned.isEmpty() ? "no model loaded yet"
                : String.format("'%s' loaded (context %d tokens)", pinned.getFirst().id(), pinned.getFirst().engine().contextSize());
        System.err.printf("sirocco: serving %d model(s) at http://%s:%d/v1, %s; %d sequences batched together, %d may wait%s%s%n",
                catalog.get().stream().map(ModelSource::id).distinct().count(), host.contains(":") ? "[" + host + "]" : host,
                server.port(), loadedNow, parallel, queue,
                options.keyRequired() ? "; API key required" : "", storedKeys == 0 ? "" : "; " + storedKeys + " stored keys accepted");
        stopped.await();
        return Main.EXIT_OK;
    }

    /** "30s", "5m", "1h", "250ms" or plain seconds. */
    static Duration duration(String text) {
        Matcher m = Pattern.compile("(\\d+)(ms|s|m|h)?").matcher(text.trim());
        if (!m.matches()) {
            throw new BadInputException("--keep-alive " + text + " is not a duration; use e.g. 30s, 5m, 1h or 0");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofSeconds(n);
        };
    }

    /** "8G", "512M", "64K" (powers of 1024) or plain bytes. */
    static long bytes(String text) {
        Matcher m = Pattern.compile("(\\d+)([KMGT]i?B?)?", Pattern.CASE_INSENSITIVE).matcher(text.trim());
        if (!m.matches()) {
            throw new BadInputException("size " + text + " is not a size; use e.g. 8G, 512M or a number of bytes");
        }
        long n = Long.parseLong(m.group(1));
        int shift = m.group(2) == null ? 0 : switch (Character.toUpperCase(m.group(2).charAt(0))) {
            case 'K' -> 10;
            case 'M' -> 20;
            case 'G' -> 30;
            default -> 40;
        };
        return n << shift;
    }
}
