package dev.sirocco.server;

import dev.sirocco.engine.runtime.EngineOptions;
import dev.sirocco.models.hub.HubClient;
import dev.sirocco.models.store.ModelStore;
import dev.sirocco.server.store.Database;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real server with uploads and fine-tuning jobs over the data directory {@code dataDir}, serving the base model
 * {@code base} (a GGUF file) as "tiny": what {@code sirocco serve} wires, so a second instance on the same data
 * directory is a restarted server.
 */
final class FineTuningServer implements AutoCloseable {
    final FineTuningJobs jobs;
    final ModelRegistry registry;
    final ApiServer server;
    final String base;

    FineTuningServer(Path dataDir, Path baseModel, long maxUploadBytes) throws IOException {
        Database database = Database.open(dataDir);
        EngineOptions engine = EngineOptions.defaults().withThreads(1).withContextSize(256);
        // two slots, so a fine-tune's sequence and the base's can share a forward pass
        List<ModelSource> bases = List.of(new ModelSource("tiny", baseModel, engine, 2, 8));
        jobs = new FineTuningJobs(database, dataDir, () -> bases, 1);
        registry = new ModelRegistry(List.of(), jobs.catalog(), Long.MAX_VALUE, Duration.ZERO);
        server = ApiServer.start(ServerOptions.loopback(0), registry, database, new ModelStore(dataDir),
                new HubClient(URI.create("http://127.0.0.1:9"), null), jobs, maxUploadBytes);
        jobs.start();
        base = "http://127.0.0.1:" + server.port();
    }

    /** Stops like a killed server would leave things: the running job stays "running" in the database. */
    @Override
    public void close() {
        server.close();
        jobs.close();
        registry.close();
    }
}
