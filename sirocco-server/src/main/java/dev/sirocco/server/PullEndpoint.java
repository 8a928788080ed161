package dev.sirocco.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sirocco.models.ModelRequestException;
import dev.sirocco.models.hub.DownloadProgress;
import dev.sirocco.models.hub.HubClient;
import dev.sirocco.models.hub.HubReference;
import dev.sirocco.models.hub.ModelPuller;
import dev.sirocco.models.store.ModelManifest;
import dev.sirocco.models.store.ModelStore;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@code POST /v1/models/pull {"model": "hf:OWNER/REPO[:QUANT|:FILE]", "revision"?, "stream"?}}: pulls a GGUF from
 * the Hugging Face hub into the model store, as {@code sirocco pull} does, so the server can serve it at once.
 * With {@code stream} (the default) progress comes as server-sent events:
 * {@code {"status": "pulling", "file", "completed", "total"}} while downloading, then
 * {@code {"status": "success", "model": CARD}} or {@code {"status": "error", "error": {...}}}, then {@code [DONE]}.
 * One pull runs at a time: two downloads of one file would write the same partial file.
 */
final class PullEndpoint {
    private static final Set<String> FIELDS = Set.of("model", "revision", "stream");
    /** Progress events at most this often: a fast local download would otherwise send one per buffer. */
    private static final long PROGRESS_INTERVAL_NANOS = 250_000_000L;

    private final ModelStore store;
    private final HubClient hub;
    private final ModelRegistry models;
    private final ReentrantLock oneAtATime = new ReentrantLock();

    PullEndpoint(ModelStore store, HubClient hub, ModelRegistry models) {
        this.store = store;
        this.hub = hub;
        this.models = models;
    }

    void handle(JsonNode body, ServerResponse res) throws IOException, InterruptedException {
        RequestFields.onlyKnown(body, FIELDS, "");
        String model = RequestFields.requiredString(body, "model", "model");
        JsonNode rev = body.get("revision");
        if (rev != null && !rev.isNull() && !rev.isTextual()) {
            throw ApiException.badField("revision", "revision must be a string (a branch, tag or commit), got " + rev.getNodeType());
        }
        JsonNode streamField = body.get("stream");
        if (streamField != null && !streamField.isNull() && !streamField.isBoolean()) {
            throw ApiException.badField("stream", "stream must be true or false, got " + streamField);
        }
        boolean stream = streamField == null || streamField.isNull() || streamField.asBoolean();
        HubReference ref;
        try {
            ref = HubReference.parse(model, rev == null || rev.isNull() ? null : rev.asText());
        } catch (ModelRequestException e) {
            throw ApiException.badField("model", e.getMessage());
        }
        if (!stream) {
            oneAtATime.lockInterruptibly();
            try {
                ApiServer.send(res, 200, success(pull(ref, DownloadProgress.NONE)));
            } finally {
                oneAtATime.unlock();
            }
            return;
        }
        try (SseStream sse = new SseStream(res)) {
            if (!oneAtATime.tryLock()) {
                sse.send(status("waiting").put("message", "another pull is running; this one starts when it ends"));
                oneAtATime.lockInterruptibly();
            }
            try {
                sse.send(status("pulling").put("model", ref.toString()));
                ObjectNode result;
                try {
                    result = success(pull(ref, progressEvents(sse)));
                } catch (ApiException e) {
                    result = status("error");
                    result.set("error", Json.MAPPER.readTree(ErrorBody.of(e)).get("error"));
                }
                sse.send(result);
                sse.done();
            } catch (UncheckedIOException e) {
                throw e.getCause(); // the client went away while progress was sent; the partial file is kept for resume
            } finally {
                oneAtATime.unlock();
            }
        }
    }

    private ModelManifest pull(HubReference ref, DownloadProgress progress) {
        ModelPuller puller = new ModelPuller(store, hub, new PrintStream(OutputStream.nullOutputStream()), file -> progress);
        try {
            return puller.pull(ref, false);
        } catch (ModelRequestException e) {
            // The hub said no (not found, gated, checksum) or could not be reached: not this server's fault, nor the request's shape.
            throw new ApiException(502, "server_error", "model", "pull_failed", e.getMessage());
        } catch (IOException e) {
            throw new ApiException(502, "server_error", "model", "pull_failed", "pulling " + ref + " failed: " + e.getMessage());
        }
    }

    private DownloadProgress progressEvents(SseStream sse) {
        return new DownloadProgress() {
            long lastSent;

            @Override
            public void update(long done, long total, long resumedFrom) {
                long now = System.nanoTime();
                if (now - lastSent < PROGRESS_INTERVAL_NANOS && done != total) {
                    return;
                }
                lastSent = now;
                try {
                    sse.send(status("downloading").put("completed", done).put("total", total).put("resumed_from", resumedFrom));
                } catch (IOException e) {
                    throw new UncheckedIOException(e); // stops the download: nobody is listening
                }
            }

            @Override
            public void finished() {
            }
        };
    }

    private ObjectNode success(ModelManifest m) {
        ObjectNode ok = status("success");
        ok.put("id", m.id());
        ok.put("source", m.source());
        ok.put("sha256", m.sha256());
        ok.put("size", m.size());
        models.info(m.id()).ifPresent(card -> ok.set("model", ModelCards.card(card)));
        return ok;
    }

    private static ObjectNode status(String status) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("status", status);
        return n;
    }
}
