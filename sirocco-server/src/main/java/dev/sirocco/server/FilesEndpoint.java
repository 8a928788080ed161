package dev.sirocco.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sirocco.server.store.FileStore;
import dev.sirocco.server.store.StoredFile;
import io.helidon.common.parameters.Parameters;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * {@code /v1/files}: uploads (multipart {@code file} + {@code purpose}), listing, metadata, content and deletion, in
 * OpenAI's file object shape with Mistral's extra fields. A fine-tune upload is checked line by line before it is
 * kept ({@link FineTuneFileCheck}); a rejected upload leaves nothing behind. Callers see their own files;
 * administrators see everyone's.
 */
final class FilesEndpoint {
    static final String FINE_TUNE = "fine-tune";
    private static final Set<String> PURPOSES = Set.of(FINE_TUNE, "batch", "assistants", "user_data", "vision", "evals");

    private final FileStore files;
    private final long maxUploadBytes;

    FilesEndpoint(FileStore files, long maxUploadBytes) {
        this.files = files;
        this.maxUploadBytes = maxUploadBytes;
    }

    /** The largest request body an upload may have: the file plus room for the multipart framing and fields. */
    long maxRequestBytes() {
        return maxUploadBytes + (1 << 20);
    }

    void upload(ServerRequest req, ServerResponse res) throws IOException {
        if (req.headers().contentLength().orElse(-1) > maxRequestBytes()) {
            try (var in = req.content().inputStream()) {
                ApiServer.discardBody(in, res);
            }
            throw MultipartUpload.tooLarge(maxUploadBytes);
        }
        Path part = files.newUpload();
        try {
            MultipartUpload up;
            try {
                up = MultipartUpload.read(req, "file", part, maxUploadBytes);
            } catch (ApiException e) {
                res.header(HeaderNames.CONNECTION, "close"); // the body may be left partly unread
                throw e;
            }
            // OpenAI's SDK always sends a purpose; Mistral's API defaults it to fine-tune.
            String purpose = up.fields().getOrDefault("purpose", FINE_TUNE);
            if (!PURPOSES.contains(purpose)) {
                throw ApiException.badField("purpose", "'purpose' must be one of " + PURPOSES.stream().sorted().toList() + ", got '" + purpose + "'");
            }
            String visibility = up.fields().get("visibility");
            if (visibility != null && !visibility.equals("workspace") && !visibility.equals("user")) {
                throw ApiException.badField("visibility", "'visibility' must be 'workspace' or 'user', got '" + visibility + "'");
            }
            for (String f : up.fields().keySet()) {
                // Mistral's SDK always sends visibility (default "workspace"): this server has one workspace per key,
                // so either value means the uploading key (and administrators) see the file.
                if (!f.equals("purpose") && !f.equals("visibility")) {
                    throw ApiException.unsupported(f, "the form field '" + f + "' is not an upload parameter this server knows");
                }
            }
            Long lines = purpose.equals(FINE_TUNE) ? FineTuneFileCheck.check(part, up.filename()) : null;
            StoredFile f = files.save(part, Caller.current().keyId(), up.filename(), purpose, lines, System.currentTimeMillis());
            ApiServer.send(res, 200, object(f));
        } finally {
            Files.deleteIfExists(part); // moved away when saved; otherwise nothing of a rejected upload is kept
        }
    }

    void list(ServerRequest req, ServerResponse res) {
        Parameters q = req.query();
        String purpose = q.first("purpose").orElse(null);
        String order = q.first("order").orElse("desc");
        if (!order.equals("desc")) {
            throw ApiException.unsupported("order", "only order=desc (newest first) is supported, got '" + order + "'");
        }
        int limit = Pages.limit(q, 10_000);
        List<StoredFile> page = files.list(owner(), purpose, q.first("after").orElse(null), limit + 1);
        ApiServer.send(res, 200, Pages.list(page.stream().limit(limit).map(FilesEndpoint::object).toList(), page.size() > limit));
    }

    void get(ServerRequest req, ServerResponse res) {
        ApiServer.send(res, 200, object(find(req)));
    }

    void delete(ServerRequest req, ServerResponse res) throws IOException {
        StoredFile f = find(req);
        files.delete(f.id());
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("id", f.id());
        o.put("object", "file");
        o.put("deleted", true);
        ApiServer.send(res, 200, o);
    }

    void content(ServerRequest req, ServerResponse res) throws IOException {
        StoredFile f = find(req);
        res.header(HeaderNames.CONTENT_TYPE, "application/octet-stream");
        res.header(HeaderNames.CONTENT_LENGTH, Long.toString(f.bytes()));
        try (InputStream in = Files.newInputStream(files.path(f.id())); OutputStream out = res.outputStream()) {
            in.transferTo(out);
        }
    }

    private StoredFile find(ServerRequest req) {
        String id = req.path().pathParameters().get("id");
        String owner = owner();
        return files.get(id).filter(f -> owner == null || f.owner().equals(owner)).orElseThrow(() ->
                ApiException.notFound("file_id", "file_not_found", "no file has the id '" + id + "'"));
    }

    /** Whose files the caller sees: its own, or everyone's (null) for an administrator. */
    private static String owner() {
        Caller c = Caller.current();
        return c.admin() ? null : c.keyId();
    }

    static ObjectNode object(StoredFile f) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("id", f.id());
        o.put("object", "file");
        o.put("bytes", f.bytes());
        o.put("created_at", f.createdMs() / 1000);
        o.put("filename", f.filename());
        o.put("purpose", f.purpose());
        o.put("status", "processed");
        o.putNull("expires_at");
        o.putNull("status_details");
        // Mistral's file fields
        o.put("size_bytes", f.bytes());
        o.put("sample_type", "instruct");
        o.put("source", "upload");
        o.put("deleted", false);
        if (f.lines() != null) {
            o.put("num_lines", f.lines());
        } else {
            o.putNull("num_lines");
        }
        return o;
    }
}
