package dev.sirocco.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sirocco.models.hub.HubClient;
import dev.sirocco.models.store.ModelStore;
import dev.sirocco.server.store.ConversationStore;
import dev.sirocco.server.store.Database;
import dev.sirocco.server.store.KeyStore;
import dev.sirocco.server.store.UsageStore;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.time.Clock;
import java.util.List;
import java.util.Set;

/**
 * The developer API over HTTP (Helidon SE, one virtual thread per request): OpenAI- and Mistral-compatible
 * {@code /v1} endpoints, {@code /health} and {@code /metrics}. Handlers are written blocking; generation itself
 * runs on each model's {@link dev.sirocco.engine.runtime.Scheduler}, which batches every active request into one
 * forward pass per step. With a {@link Database}, callers authenticate with stored keys ({@link Authenticator}), are held
 * to their keys' per-minute limits ({@link KeyQuotas}) and have their usage recorded ({@link UsageMeter},
 * {@code GET /v1/usage}). The chat web app is served at {@code /} ({@link WebApp}) with its conversations under
 * {@code /api/conversations} ({@link ConversationsEndpoint}). With {@link FineTuningJobs}, it also takes uploads
 * ({@code /v1/files}) and fine-tuning jobs ({@code /v1/fine_tuning/jobs}).
 */
public final class ApiServer implements AutoCloseable {
    private static final Set<String> KNOWN_PATHS = Set.of("/health", "/metrics", "/v1/models", "/v1/chat/completions", "/v1/completions",
            "/v1/embeddings", "/v1/fim/completions", "/v1/usage", "/v1/models/pull");

    /** What an endpoint asks of its caller. */
    private enum Access {
        /** Anyone: probes and the 404/405 answers. */
        OPEN,
        /** An authenticated caller (anonymous on loopback without --api-key). */
        KEY,
        /** An authenticated caller within its key's per-minute limits; the request counts against them. */
        METERED,
        /** An administrator: an admin key or the {@code --api-key} holder. */
        ADMIN
    }

    private final WebServer server;
    private final ModelRegistry models;
    private final ServerMetrics metrics = new ServerMetrics();
    private final Authenticator authenticator;
    private final KeyQuotas quotas = new KeyQuotas();
    private final UsageEndpoint usage;
    private final long maxBodyBytes;
    private final CompletionEndpoints completions;
    private final EmbeddingsEndpoint embeddings;
    private final PullEndpoint pull; // null: no model store to pull into
    private final WebApp webApp = new WebApp();
    private final ConversationsEndpoint conversations;
    private final AdminEndpoint admin;
    private final FilesEndpoint files; // null: no data directory for uploads
    private final FineTuningEndpoint fineTuning; // null with files

    private ApiServer(ServerOptions options, ModelRegistry models, Database database, PullEndpoint pull) throws IOException {
        this(options, models, database, pull, null, 0);
    }

    private ApiServer(ServerOptions options, ModelRegistry models, Database database, PullEndpoint pull,
                      FineTuningJobs jobs, long maxUploadBytes) throws IOException {
        this.models = models;
        this.pull = pull;
        this.files = jobs == null ? null : new FilesEndpoint(jobs.files(), maxUploadBytes);
        this.fineTuning = jobs == null ? null : new FineTuningEndpoint(jobs);
        KeyStore keys = database == null ? null : new KeyStore(database);
        UsageStore usageStore = database == null ? null : new UsageStore(database);
        if (options.apiKey() == null && options.keyRequired() && (keys == null || keys.countActive() == 0)) {
            throw new IllegalArgumentException("refusing to listen on " + options.host() + ": no API key exists to authenticate"
                    + " callers; create one with 'sirocco keys create' or give --api-key KEY");
        }
        this.authenticator = new Authenticator(options.apiKey() == null ? null : new ApiKey(options.apiKey()), keys, options.keyRequired());
        this.maxBodyBytes = options.maxBodyBytes();
        UsageMeter meter = new UsageMeter(usageStore, quotas, Clock.systemUTC());
        this.completions = new CompletionEndpoints(models, metrics, meter, options.requestTimeout());
        this.embeddings = new EmbeddingsEndpoint(models, meter);
        this.usage = new UsageEndpoint(usageStore);
        this.conversations = new ConversationsEndpoint(database == null ? null : new ConversationStore(database));
        this.admin = new AdminEndpoint(keys, models);
        this.server = WebServer.builder()
                .address(InetAddress.getByName(options.host()))
                .port(options.port())
                // uploads may be larger than JSON bodies, whose own limit body() enforces
                // Helidon's own limit sits DISCARD_SLACK past ours, so a body a little over ours is read to its end
                // and thrown away before the 413 (see discardBody); far larger ones Helidon refuses outright.
                .maxPayloadSize(DISCARD_SLACK
                        + (files == null ? options.maxBodyBytes() : Math.max(options.maxBodyBytes(), files.maxRequestBytes())))
                .directHandlers(d -> d
                        .addHandler(DirectHandler.EventType.PAYLOAD_TOO_LARGE, ApiServer::directError)
                        .addHandler(DirectHandler.EventType.BAD_REQUEST, ApiServer::directError))
                .routing(this::routes)
                .build()
                .start();
    }

    /** Starts serving {@code models} without a database: no stored keys, no usage kept (the server does not close the models; their owner does). */
    public static ApiServer start(ServerOptions options, List<ServedModel> models) throws IOException {
        return new ApiServer(options, ModelRegistry.of(models), null, null);
    }

    /** Starts serving the registry's models, loading them on demand, without a database (the registry's owner closes it). */
    public static ApiServer start(ServerOptions options, ModelRegistry models) throws IOException {
        return new ApiServer(options, models, null, null);
    }

    /**
     * Starts serving {@code models} with {@code database} for keys and usage. Beyond loopback without {@code --api-key},
     * at least one unrevoked key must exist, or this refuses to start.
     */
    public static ApiServer start(ServerOptions options, List<ServedModel> models, Database database) throws IOException {
        return new ApiServer(options, ModelRegistry.of(models), database, null);
    }

    /**
     * The whole platform: the registry's models loaded on demand, {@code database} (or null) for keys and usage, and
     * administrators may pull more models from {@code hub} into {@code store} ({@code POST /v1/models/pull}); the
     * registry's catalog should include the store's models.
     */
    public static ApiServer start(ServerOptions options, ModelRegistry models, Database database, ModelStore store,
                                  HubClient hub) throws IOException {
        return new ApiServer(options, models, database, new PullEndpoint(store, hub, models));
    }

    /**
     * As {@link #start(ServerOptions, ModelRegistry, Database, ModelStore, HubClient)}, with uploads ({@code /v1/files},
     * files up to {@code maxUploadBytes}) and fine-tuning jobs ({@code /v1/fine_tuning/jobs}) run by {@code jobs}; the
     * registry's catalog should be {@link FineTuningJobs#catalog()}, so fine-tuned models are served.
     */
    public static ApiServer start(ServerOptions options, ModelRegistry models, Database database, ModelStore store,
                                  HubClient hub, FineTuningJobs jobs, long maxUploadBytes) throws IOException {
        return new ApiServer(options, models, database, new PullEndpoint(store, hub, models), jobs, maxUploadBytes);
    }

    /** The port listened on (the chosen one when started with port 0). */
    public int port() {
        return server.port();
    }

    private void routes(HttpRouting.Builder r) {
        r.get("/health", endpoint("/health", Access.OPEN, (req, res) -> send(res, 200, health())));
        r.get("/metrics", endpoint("/metrics", Access.KEY, (req, res) -> {
            res.header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
            res.send(metrics.render(models.loaded()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }));
        r.get("/v1/models", endpoint("/v1/models", Access.KEY, (req, res) -> {
            ObjectNode list = ModelCards.list(models.infos());
            send(res, 200, fineTuning == null ? list : fineTuning.cards(list));
        }));
        r.post("/v1/models/pull", endpoint("/v1/models/pull", Access.ADMIN, (req, res) -> {
            if (pull == null) {
                throw ApiException.notFound(null, "not_found", "this server has no model store to pull into");
            }
            pull.handle(body(req, res), res);
        }));
        r.get("/v1/models/{id}", endpoint("/v1/models/{id}", Access.KEY, (req, res) -> {
            String id = req.path().pathParameters().get("id");
            ModelInfo m = models.info(id).orElseThrow(
                    () -> ApiException.notFound("model", "model_not_found", "the model '" + id + "' does not exist"));
            ObjectNode card = ModelCards.card(m);
            send(res, 200, fineTuning == null ? card : fineTuning.card(card));
        }));
        r.post("/v1/chat/completions", endpoint("/v1/chat/completions", Access.METERED,
                (req, res) -> completions.chat(body(req, res), res, System.nanoTime())));
        r.post("/v1/completions", endpoint("/v1/completions", Access.METERED,
                (req, res) -> completions.text(body(req, res), res, System.nanoTime())));
        r.post("/v1/fim/completions", endpoint("/v1/fim/completions", Access.METERED,
                (req, res) -> completions.fim(body(req, res), res, System.nanoTime())));
        r.post("/v1/embeddings", endpoint("/v1/embeddings", Access.METERED, (req, res) -> embeddings.handle(body(req, res), res)));
        r.get("/v1/usage", endpoint("/v1/usage", Access.KEY, (req, res) -> send(res, 200, usage.handle(req.query()))));
        if (files != null) {
            r.post("/v1/files", endpoint("/v1/files", Access.KEY, files::upload));
            r.get("/v1/files", endpoint("/v1/files", Access.KEY, files::list));
            r.get("/v1/files/{id}", endpoint("/v1/files/{id}", Access.KEY, files::get));
            r.delete("/v1/files/{id}", endpoint("/v1/files/{id}", Access.KEY, files::delete));
            r.get("/v1/files/{id}/content", endpoint("/v1/files/{id}/content", Access.KEY, files::content));
            r.post("/v1/fine_tuning/jobs", endpoint("/v1/fine_tuning/jobs", Access.KEY,
                    (req, res) -> fineTuning.create(body(req, res), res)));
            r.get("/v1/fine_tuning/jobs", endpoint("/v1/fine_tuning/jobs", Access.KEY, fineTuning::list));
            r.get("/v1/fine_tuning/jobs/{id}", endpoint("/v1/fine_tuning/jobs/{id}", Access.KEY, fineTuning::get));
            r.post("/v1/fine_tuning/jobs/{id}/cancel", endpoint("/v1/fine_tuning/jobs/{id}/cancel", Access.KEY, fineTuning::cancel));
            r.post("/v1/fine_tuning/jobs/{id}/start", endpoint("/v1/fine_tuning/jobs/{id}/start", Access.KEY, fineTuning::start));
            r.get("/v1/fine_tuning/jobs/{id}/events", endpoint("/v1/fine_tuning/jobs/{id}/events", Access.KEY, fineTuning::events));
            r.get("/v1/fine_tuning/jobs/{id}/checkpoints", endpoint("/v1/fine_tuning/jobs/{id}/checkpoints", Access.KEY,
                    fineTuning::checkpoints));
        }
        webAppRoutes(r);
        r.any(endpoint("other", Access.OPEN, (req, res) -> {
            String path = req.path().path();
            if (KNOWN_PATHS.contains(path) || path.startsWith("/v1/models/") || path.startsWith("/api/conversations")
                    || path.startsWith("/api/admin/")
                    || (files != null && (path.equals("/v1/files") || path.startsWith("/v1/files/") || path.startsWith("/v1/fine_tuning/jobs")))) {
                throw new ApiException(405, "invalid_request_error", null, "method_not_allowed",
                        req.prologue().method().text() + " is not allowed on " + path);
            }
            throw ApiException.notFound(null, "not_found", "no such endpoint: " + req.prologue().method().text() + " " + path);
        }));
    }

    /** The web app's page and files, and its conversations (same keys as {@code /v1}, guarded against other sites). */
    private void webAppRoutes(HttpRouting.Builder r) {
        r.get("/", endpoint("/", Access.OPEN, webApp::index));
        r.get("/app/*", endpoint("/app", Access.OPEN, webApp::file));
        String all = "/api/conversations";
        String one = all + "/{id}";
        r.get(all, endpoint(all, Access.KEY, (req, res) -> {
            SameOriginGuard.reading(req);
            send(res, 200, conversations.list(req.query()));
        }));
        r.post(all, endpoint(all, Access.KEY, (req, res) -> {
            SameOriginGuard.changing(req, true);
            send(res, 201, conversations.create(body(req, res)));
        }));
        r.get(one, endpoint(one, Access.KEY, (req, res) -> {
            SameOriginGuard.reading(req);
            send(res, 200, conversations.get(req.path().pathParameters().get("id")));
        }));
        r.patch(one, endpoint(one, Access.KEY, (req, res) -> {
            SameOriginGuard.changing(req, true);
            send(res, 200, conversations.update(req.path().pathParameters().get("id"), body(req, res)));
        }));
        r.delete(one, endpoint(one, Access.KEY, (req, res) -> {
            SameOriginGuard.changing(req, false);
            send(res, 200, conversations.delete(req.path().pathParameters().get("id")));
        }));
        r.post(one + "/messages", endpoint(one + "/messages", Access.KEY, (req, res) -> {
            SameOriginGuard.changing(req, true);
            send(res, 201, conversations.append(req.path().pathParameters().get("id"), body(req, res)));
        }));
        r.get("/api/admin/keys", endpoint("/api/admin/keys", Access.ADMIN, (req, res) -> {
            SameOriginGuard.reading(req);
            send(res, 200, admin.listKeys());
        }));
        r.post("/api/admin/keys", endpoint("/api/admin/keys", Access.ADMIN, (req, res) -> {
            SameOriginGuard.changing(req, true);
            send(res, 201, admin.createKey(body(req, res)));
        }));
        r.post("/api/admin/keys/{id}/revoke", endpoint("/api/admin/keys/{id}/revoke", Access.ADMIN, (req, res) -> {
            SameOriginGuard.changing(req, false);
            send(res, 200, admin.revokeKey(req.path().pathParameters().get("id")));
        }));
        r.patch("/api/admin/keys/{id}", endpoint("/api/admin/keys/{id}", Access.ADMIN, (req, res) -> {
            SameOriginGuard.changing(req, true);
            send(res, 200, admin.setLimits(req.path().pathParameters().get("id"), body(req, res)));
        }));
        r.get("/api/admin/models", endpoint("/api/admin/models", Access.ADMIN, (req, res) -> {
            SameOriginGuard.reading(req);
            send(res, 200, admin.listModels());
        }));
    }

    /** A request handler that may throw; {@link #endpoint} turns failures into error bodies. */
    @FunctionalInterface
    private interface Endpoint {
        void handle(ServerRequest req, ServerResponse res) throws Exception;
    }

    /**
     * Wraps a handler: authentication and quotas as {@code access} asks, the caller bound in {@link Caller#CURRENT}
     * while it runs, error bodies for every failure, and the request counter.
     */
    private Handler endpoint(String name, Access access, Endpoint handler) {
        return (req, res) -> {
            int status;
            try {
                Caller caller = Caller.ANONYMOUS;
                if (access != Access.OPEN) {
                    caller = authenticator.authenticate(req.headers().first(HeaderNames.AUTHORIZATION).orElse(null));
                }
                if (access == Access.METERED) {
                    quotas.admit(caller);
                }
                if (access == Access.ADMIN && !caller.admin()) {
                    throw new ApiException(403, "permission_error", null, "admin_required", name
                            + " needs an administrator: an admin key ('sirocco keys create --admin') or the server's --api-key");
                }
                // The caller is bound for usage accounting; the models the handler acquires are released when it returns.
                boolean anonymous = access != Access.OPEN && caller.keyId().equals(UsageStore.ANONYMOUS);
                ScopedValue.where(Caller.CURRENT, caller).call(() -> models.withLeases(() -> {
                    if (anonymous) {
                        // Without a key, only this machine's own clients: not another site's page in a local browser,
                        // nor a DNS-rebinding name (the web app's own guard, for the API too).
                        SameOriginGuard.reading(req);
                    }
                    handler.handle(req, res);
                    return null;
                }));
                status = res.status().code();
            } catch (CompletionEndpoints.ClientGoneException e) {
                status = 499; // nginx's "client closed request": counted, never sent
            } catch (ApiException e) {
                status = e.status();
                if (!res.isSent()) {
                    if (e.retryAfterSeconds() != null) {
                        res.header(HeaderNames.RETRY_AFTER, Long.toString(e.retryAfterSeconds()));
                    }
                    sendRaw(res, e.status(), ErrorBody.of(e));
                }
            } catch (Exception e) {
                status = 500;
                System.getLogger(ApiServer.class.getName()).log(System.Logger.Level.ERROR, "request failed", e);
                if (!res.isSent()) {
                    sendRaw(res, 500, ErrorBody.of("internal error: " + e, "server_error", null, "internal_error"));
                }
            }
            metrics.request(name, status);
        };
    }

    /** The request body as a JSON object, refusing bodies over the limit even when sent chunked (no Content-Length). */
    private JsonNode body(ServerRequest req, ServerResponse res) throws IOException {
        long declared = req.headers().contentLength().orElse(-1);
        byte[] bytes;
        try (InputStream in = req.content().inputStream()) {
            if (declared > maxBodyBytes) {
                discardBody(in, res);
                throw tooLarge();
            }
            bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1));
            if (bytes.length > maxBodyBytes) {
                discardBody(in, res);
                throw tooLarge();
            }
        } catch (io.helidon.http.RequestException e) {
            throw new ApiException(e.status().code(), "invalid_request_error", null, "bad_request",
                    "the request body could not be read: " + e.getMessage());
        }
        return Json.parseObject(bytes);
    }

    /**
     * How far past a limit a body is still read (and thrown away) to answer 413. A server that answers and closes
     * while the client is still sending resets the connection, and the client usually loses the answer with it.
     */
    static final long DISCARD_SLACK = 8L << 20;

    /**
     * Reads the rest of a refused body and throws it away, so that the client, still sending, gets to read the 413.
     * Past Helidon's limit (ours plus {@link #DISCARD_SLACK}) the rest stays unread and the connection is closed.
     */
    static void discardBody(InputStream in, ServerResponse res) {
        try {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        } catch (IOException | RuntimeException e) {
            res.header(HeaderNames.CONNECTION, "close"); // the unread rest makes this connection unusable
        }
    }

    private ApiException tooLarge() {
        return new ApiException(413, "invalid_request_error", null, "request_too_large",
                "the request body is larger than this server's limit of " + maxBodyBytes + " bytes");
    }

    private ObjectNode health() {
        ObjectNode h = Json.MAPPER.createObjectNode();
        h.put("status", "ok");
        var ids = h.putArray("models"); // the models loaded now
        models.loaded().forEach(m -> ids.add(m.id()));
        return h;
    }

    static void send(ServerResponse res, int status, Object json) {
        sendRaw(res, status, Json.bytes(json));
    }

    private static void sendRaw(ServerResponse res, int status, byte[] json) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(json);
    }

    /** Errors Helidon answers before routing (oversized or malformed HTTP) get the same JSON body as ours. */
    private static DirectHandler.TransportResponse directError(DirectHandler.TransportRequest req, DirectHandler.EventType type,
                                                               io.helidon.http.Status status,
                                                               io.helidon.http.ServerResponseHeaders headers, String message) {
        // Helidon reports an oversized entity as BAD_REQUEST with status 413: go by the status.
        boolean tooLarge = status.code() == 413;
        byte[] body = ErrorBody.of(tooLarge ? "the request body is larger than this server's limit" : "bad request: " + message,
                "invalid_request_error", null, tooLarge ? "request_too_large" : "bad_request");
        return DirectHandler.TransportResponse.builder()
                .status(status)
                .headers(headers)
                .header(HeaderNames.CONTENT_TYPE, "application/json")
                .entity(body)
                .build();
    }

    @Override
    public void close() {
        server.stop();
    }
}
