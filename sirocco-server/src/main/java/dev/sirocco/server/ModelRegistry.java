package dev.sirocco.server;

import dev.sirocco.engine.gguf.GgufFile;
import dev.sirocco.engine.model.ModelConfig;
import dev.sirocco.models.memory.MemoryEstimate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The models a server answers for. Pinned models stay loaded; every other model in the catalog (files given to
 * {@code serve}, the model store) is loaded on its first request, within a memory budget: when it does not fit, the
 * least recently used idle models are unloaded first. A model idle for longer than the keep-alive is unloaded. A LoRA
 * fine-tune in the catalog ({@link ModelSource#base()}) is no model of its own: it is served by its base's engine and
 * scheduler with its adapters, so its requests and the base's are batched together, and it holds its base while in use.
 *
 * <p>A request holds a model from {@link #acquire} until its handler returns ({@link #withLeases}), so a model is
 * never unloaded under a request that is rendering, generating or streaming from it.
 */
public final class ModelRegistry implements AutoCloseable {
    /** The models the current request acquired; released when its handler returns. */
    private static final ScopedValue<List<Loaded>> LEASES = ScopedValue.newInstance();

    private static final class Loaded {
        final ServedModel model;
        final long bytes;
        final boolean pinned;
        int users;
        long lastUsedNanos = System.nanoTime();

        Loaded(ServedModel model, long bytes, boolean pinned) {
            this.model = model;
            this.bytes = bytes;
            this.pinned = pinned;
        }
    }

    private final Supplier<List<ModelSource>> catalog;
    private final long budgetBytes;
    private final long keepAliveNanos;
    private final Map<String, Loaded> loaded = new LinkedHashMap<>(); // guarded by this
    private final Map<String, CompletableFuture<Loaded>> loading = new HashMap<>(); // guarded by this
    /** Fine-tunes in use, each a view of its loaded base (same engine and scheduler); dropped with the base. */
    private final Map<String, View> views = new LinkedHashMap<>(); // guarded by this

    /** A fine-tune in use: {@code model} shares the engine of the loaded model {@code base}. */
    private record View(ServedModel model, String base) {
    }
    private final ScheduledExecutorService reaper;
    private final Map<ModelSource, ModelInfo> infoCache = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * @param pinned    models loaded by the caller, always served and never unloaded (nor closed) by the registry
     * @param catalog   the models that may be loaded on demand (read on every lookup: a model pulled into the
     *                  store while serving becomes available at once)
     * @param budget    bytes of memory (weights + KV caches + working memory) the on-demand models may use together
     * @param keepAlive how long an on-demand model stays loaded with no request; zero or negative: until evicted
     */
    public ModelRegistry(List<ServedModel> pinned, Supplier<List<ModelSource>> catalog, long budget, Duration keepAlive) {
        this.catalog = catalog;
        this.budgetBytes = budget;
        this.keepAliveNanos = keepAlive.toNanos();
        for (ServedModel m : pinned) {
            if (loaded.putIfAbsent(m.id(), new Loaded(m, 0, true)) != null) {
                throw new IllegalArgumentException("two models have the id '" + m.id() + "'; ids are file names without .gguf");
            }
        }
        if (keepAliveNanos > 0) {
            long period = Math.max(1, Math.min(30_000, keepAlive.toMillis() / 4));
            reaper = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "sirocco-model-reaper");
                t.setDaemon(true);
                return t;
            });
            reaper.scheduleWithFixedDelay(this::unloadIdle, period, period, TimeUnit.MILLISECONDS);
        } else {
            reaper = null;
        }
    }

    /** A registry of already loaded models only (what tests and single-model embedders need). */
    public static ModelRegistry of(List<ServedModel> models) {
        return new ModelRegistry(models, List::of, 0, Duration.ZERO);
    }

    /**
     * Runs a request's handler; every model it {@link #acquire acquires} is released when the handler returns
     * or throws.
     */
    public <T> T withLeases(ScopedValue.CallableOp<T, Exception> handler) throws Exception {
        List<Loaded> leases = new ArrayList<>(1);
        try {
            return ScopedValue.where(LEASES, leases).call(handler);
        } finally {
            synchronized (this) {
                long now = System.nanoTime();
                for (Loaded l : leases) {
                    l.users--;
                    l.lastUsedNanos = now;
                }
            }
        }
    }

    /**
     * The model {@code id}, loading it if needed; a 404 when no model has that id, a 503 when it cannot be loaded
     * within the memory budget now. Held until the current {@link #withLeases} handler returns.
     */
    public ServedModel acquire(String id) {
        if (!LEASES.isBound()) {
            throw new IllegalStateException("acquire() outside withLeases(): the model could never be released");
        }
        CompletableFuture<Loaded> pending;
        ModelSource adapted = null;
        synchronized (this) {
            Loaded l = loaded.get(id);
            if (l != null) {
                return lease(l);
            }
            View v = views.get(id);
            if (v != null) {
                lease(loaded.get(v.base())); // a view exists only while its base is loaded
                return v.model();
            }
            pending = loading.get(id);
            ModelSource source = pending != null ? null : source(id).orElseThrow(() -> ApiException.notFound("model",
                    "model_not_found", "the model '" + id + "' does not exist; GET /v1/models lists those served"));
            if (source != null && source.base() != null) {
                adapted = source; // a fine-tune: no model of its own to load
            } else if (source != null) {
                pending = new CompletableFuture<>();
                loading.put(id, pending);
                final CompletableFuture<Loaded> result = pending;
                // Loaded outside the lock: requests for other models go on meanwhile.
                Thread.startVirtualThread(() -> load(source, result));
            }
        }
        if (adapted != null) {
            return acquireAdapter(adapted);
        }
        Loaded l;
        try {
            l = pending.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.unavailable("model", "model_loading", "interrupted while loading '" + id + "'", 1);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ApiException api) {
                throw api;
            }
            throw new ApiException(500, "server_error", "model", "model_load_failed",
                    "the model '" + id + "' could not be loaded: " + e.getCause().getMessage());
        }
        synchronized (this) {
            return lease(l);
        }
    }

    /**
     * A fine-tune: its base, acquired (loaded if need be) and so held for this request too, with the fine-tune's
     * adapters. The view shares the base's engine and scheduler, so its sequences join the base's forward passes.
     */
    private ServedModel acquireAdapter(ModelSource source) {
        ServedModel base = acquire(source.base());
        ServedModel view;
        try {
            view = base.withAdapters(source.id(), source.adapters()); // reads the adapter files, outside the lock
        } catch (IOException | RuntimeException e) {
            throw new ApiException(500, "server_error", "model", "model_load_failed",
                    "the fine-tuned model '" + source.id() + "' could not be loaded: " + e.getMessage());
        }
        synchronized (this) {
            View v = views.get(source.id());
            if (v != null && v.model().engine() == base.engine()) {
                return v.model(); // another request made it meanwhile
            }
            Loaded b = loaded.get(source.base());
            if (b != null && b.model == base) { // still loaded (this request holds it, so it cannot have gone)
                views.put(source.id(), new View(view, source.base()));
            }
            return view;
        }
    }

    /** Forgets the fine-tunes viewing {@code base}'s engine (it is being unloaded). */
    private void dropViews(ServedModel base) {
        views.values().removeIf(v -> v.model().engine() == base.engine());
    }

    private ServedModel lease(Loaded l) {
        l.users++;
        l.lastUsedNanos = System.nanoTime();
        LEASES.get().add(l);
        return l.model;
    }

    private void load(ModelSource source, CompletableFuture<Loaded> result) {
        try {
            long bytes = estimateBytes(source);
            List<Loaded> evicted = makeRoom(source.id(), bytes);
            evicted.forEach(e -> e.model.close());
            ServedModel m = ServedModel.load(source.id(), source.file(), source.options(), source.parallel(), source.queue());
            Loaded l = new Loaded(m, bytes, false);
            synchronized (this) {
                loaded.put(source.id(), l);
                loading.remove(source.id());
            }
            result.complete(l);
        } catch (Throwable e) {
            synchronized (this) {
                loading.remove(source.id());
            }
            result.completeExceptionally(e);
        }
    }

    /** Unloads least recently used idle models until {@code bytes} more fit in the budget (removed under the lock). */
    private synchronized List<Loaded> makeRoom(String id, long bytes) {
        long used = loaded.values().stream().filter(l -> !l.pinned).mapToLong(l -> l.bytes).sum();
        List<Loaded> idle = loaded.values().stream().filter(l -> !l.pinned && l.users == 0)
                .sorted(Comparator.comparingLong(l -> l.lastUsedNanos)).toList();
        List<Loaded> evicted = new ArrayList<>();
        for (Loaded l : idle) {
            if (used + bytes <= budgetBytes) {
                break;
            }
            loaded.remove(l.model.id());
            dropViews(l.model);
            evicted.add(l);
            used -= l.bytes;
        }
        if (used + bytes > budgetBytes) {
            String busy = loaded.values().stream().filter(l -> !l.pinned).map(l -> l.model.id()).toList().toString();
            // Put back what was taken out: nothing was closed yet (dropped views are made again on their next request).
            evicted.forEach(l -> loaded.put(l.model.id(), l));
            throw ApiException.unavailable("model", "insufficient_memory", String.format(Locale.ROOT,
                    "the model '%s' needs %s but only %s of the %s memory budget is free while %s are busy; retry later"
                            + " or raise serve's --memory-budget", id, mib(bytes), mib(Math.max(0, budgetBytes - used)),
                    mib(budgetBytes), busy), 5);
        }
        return evicted;
    }

    private void unloadIdle() {
        List<Loaded> gone = new ArrayList<>();
        synchronized (this) {
            long now = System.nanoTime();
            loaded.values().removeIf(l -> {
                boolean idle = !l.pinned && l.users == 0 && now - l.lastUsedNanos > keepAliveNanos;
                if (idle) {
                    gone.add(l);
                    dropViews(l.model);
                }
                return idle;
            });
        }
        gone.forEach(l -> l.model.close());
    }

    private Optional<ModelSource> source(String id) {
        return catalog.get().stream().filter(s -> s.id().equals(id)).findFirst();
    }

    /** Weights + one KV cache per parallel sequence + working memory, as the model store's memory check counts them. */
    static long estimateBytes(ModelSource s) {
        try (GgufFile file = GgufFile.open(s.file())) {
            ModelConfig c = ModelConfig.from(file.metadata());
            return estimateBytes(file, c, contextSize(s, c), s.options(), s.parallel());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The same estimate for a loaded model: its context, KV cache type and one KV cache per scheduler slot. */
    static long estimateBytes(ServedModel m) {
        var engine = m.engine();
        return estimateBytes(engine.file(), engine.config(), engine.contextSize(), engine.options(), m.scheduler().slots());
    }

    private static long estimateBytes(GgufFile file, ModelConfig c, int contextSize, dev.sirocco.engine.runtime.EngineOptions o,
                                      int parallel) {
        double kvBytes = switch (o.kvType().name()) {
            case "F32" -> 4;
            case "Q8_0" -> 34.0 / 32; // blocks of 32 one-byte values and an F16 scale
            default -> 2;
        };
        MemoryEstimate e = MemoryEstimate.of(file, c, contextSize, kvBytes, o.batchSize());
        return e.weightsBytes() + (long) parallel * e.kvCacheBytes() + e.workingBytes();
    }

    static int contextSize(ModelSource s, ModelConfig c) {
        return s.options().contextSize() > 0 ? s.options().contextSize()
                : Math.min(c.contextLength(), dev.sirocco.engine.runtime.EngineOptions.DEFAULT_MAX_CONTEXT);
    }

    /** The models loaded now, the fine-tunes in use on loaded bases included. */
    public synchronized List<ServedModel> loaded() {
        List<ServedModel> out = new ArrayList<>(loaded.values().stream().map(l -> l.model).toList());
        views.values().forEach(v -> out.add(v.model()));
        return out;
    }

    /** The catalog's models that are not loaded now, each id once. */
    private List<ModelSource> unloadedSources() {
        java.util.Set<String> seen;
        synchronized (this) {
            seen = new java.util.HashSet<>(loaded.keySet());
            seen.addAll(views.keySet());
        }
        return catalog.get().stream().filter(s -> seen.add(s.id())).toList();
    }

    /** Cards for every model that can be served: the loaded ones, then the catalog's others (a broken file is left out). */
    List<ModelInfo> infos() {
        List<ModelInfo> out = new ArrayList<>(loaded().stream().map(ModelInfo::of).toList());
        for (ModelSource s : unloadedSources()) {
            try {
                out.add(infoCache.computeIfAbsent(s, ModelInfo::of));
            } catch (RuntimeException e) {
                System.getLogger(ModelRegistry.class.getName()).log(System.Logger.Level.WARNING,
                        "left " + s.file() + " out of the model list: " + e.getMessage());
            }
        }
        return out;
    }

    /** The card of {@code id}, loaded or not. */
    Optional<ModelInfo> info(String id) {
        return infos().stream().filter(i -> i.id().equals(id)).findFirst();
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.0f MiB", bytes / (double) (1 << 20));
    }

    /** Unloads the on-demand models (pinned ones belong to whoever loaded them). */
    @Override
    public void close() {
        if (reaper != null) {
            reaper.shutdownNow();
        }
        List<Loaded> all;
        synchronized (this) {
            all = new ArrayList<>(loaded.values());
            loaded.clear();
            views.clear();
        }
        all.stream().filter(l -> !l.pinned).forEach(l -> l.model.close());
    }
}
