package dev.sirocco.models.hub;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A local imitation of the Hugging Face hub's URL layout: {@code /api/models/{repo}/revision/{rev}?blobs=true}
 * lists siblings with LFS sizes and SHA-256s; {@code /{repo}/resolve/{rev}/{file}} answers 302 to a CDN path with
 * X-Linked-Etag and X-Linked-Size (401 GatedRepo for a gated repo without the right token), and the CDN path serves
 * the bytes with Range support. It can cut the connection once mid-file and flip a byte, and records the Range
 * header of every CDN request.
 */
final class FakeHub implements AutoCloseable {
    static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

    record Repo(boolean gated, Map<String, byte[]> files) {}

    private final HttpServer server;
    private final Map<String, Repo> repos = new ConcurrentHashMap<>();
    final List<String> cdnRanges = Collections.synchronizedList(new ArrayList<>());
    final List<String> cdnAuthorizations = Collections.synchronizedList(new ArrayList<>());
    /** Redirect downloads to this host name (e.g. "localhost": another host than the endpoint's 127.0.0.1), or null: a relative path. */
    volatile String cdnHost;
    volatile String acceptedToken = "hf_secret";
    /** Cut the next full-file CDN response after this many bytes (-1: never). */
    volatile long cutAt = -1;
    /** Stall the next full-file CDN response after this many bytes, sending nothing more until closed (-1: never). */
    volatile long stallAt = -1;
    /** Flip the byte at this index in every CDN response (-1: never). */
    volatile long corruptAt = -1;

    FakeHub() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()); // a stalled response must not block the next request
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    void addRepo(String repo, boolean gated, Map<String, byte[]> files) {
        repos.put(repo, new Repo(gated, new LinkedHashMap<>(files)));
    }

    private void handle(HttpExchange ex) throws IOException {
        {
            String path = ex.getRequestURI().getPath();
            if (path.startsWith("/api/models/")) {
                api(ex, path.substring("/api/models/".length()));
            } else if (path.startsWith("/cdn/")) {
                cdn(ex, path.substring("/cdn/".length()));
            } else if (path.contains("/resolve/")) {
                resolve(ex, path.substring(1));
            } else {
                send(ex, 404, Map.of(), "not found");
            }
            ex.close();
        }
    }

    private void api(HttpExchange ex, String rest) throws IOException {
        int rev = rest.indexOf("/revision/");
        String repo = rev >= 0 ? rest.substring(0, rev) : rest;
        Repo r = repos.get(repo);
        if (r == null) {
            send(ex, 404, Map.of("X-Error-Code", "RepoNotFound"), "{\"error\":\"Repository not found\"}");
            return;
        }
        List<Map<String, Object>> siblings = new ArrayList<>();
        for (Map.Entry<String, byte[]> f : r.files().entrySet()) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("rfilename", f.getKey());
            s.put("size", f.getValue().length);
            s.put("blobId", "b".repeat(40));
            if (f.getKey().endsWith(".gguf")) {
                s.put("lfs", Map.of("sha256", sha256(f.getValue()), "size", f.getValue().length, "pointerSize", 135));
            }
            siblings.add(s);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("_id", "x");
        body.put("id", repo);
        body.put("sha", COMMIT);
        body.put("gated", r.gated() ? "manual" : false);
        body.put("siblings", siblings);
        send(ex, 200, Map.of("Content-Type", "application/json"), new ObjectMapper().writeValueAsString(body));
    }

    private void resolve(HttpExchange ex, String path) throws IOException {
        int at = path.indexOf("/resolve/");
        String repo = path.substring(0, at);
        String afterRev = path.substring(at + "/resolve/".length());
        String file = afterRev.substring(afterRev.indexOf('/') + 1);
        Repo r = repos.get(repo);
        if (r == null) {
            send(ex, 404, Map.of("X-Error-Code", "RepoNotFound"), "Repository not found");
            return;
        }
        if (r.gated() && !("Bearer " + acceptedToken).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            send(ex, 401, Map.of("X-Error-Code", "GatedRepo"), "Access to model " + repo + " is restricted. You must have access to it and be authenticated to access it. Please log in.");
            return;
        }
        byte[] data = r.files().get(file);
        if (data == null) {
            send(ex, 404, Map.of("X-Error-Code", "EntryNotFound"), "Entry not found");
            return;
        }
        String cdnPath = "/cdn/" + repo + "/" + file;
        ex.getResponseHeaders().add("Location", cdnHost == null ? cdnPath
                : "http://" + cdnHost + ":" + server.getAddress().getPort() + cdnPath);
        ex.getResponseHeaders().add("X-Linked-Etag", "\"" + sha256(data) + "\"");
        ex.getResponseHeaders().add("X-Linked-Size", Long.toString(data.length));
        ex.sendResponseHeaders(302, -1);
    }

    private void cdn(HttpExchange ex, String path) throws IOException {
        int slash = path.indexOf('/', path.indexOf('/') + 1);
        byte[] data = repos.get(path.substring(0, slash)).files().get(path.substring(slash + 1)).clone();
        if (corruptAt >= 0) {
            data[(int) corruptAt] ^= 0x40;
        }
        String range = ex.getRequestHeaders().getFirst("Range");
        cdnRanges.add(range == null ? "" : range);
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth != null) {
            cdnAuthorizations.add(auth);
        }
        long from = 0;
        if (range != null) {
            from = Long.parseLong(range.substring("bytes=".length(), range.indexOf('-')));
            if (from >= data.length) {
                ex.getResponseHeaders().add("Content-Range", "bytes */" + data.length);
                ex.sendResponseHeaders(416, -1);
                return;
            }
            ex.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (data.length - 1) + "/" + data.length);
        }
        ex.getResponseHeaders().add("ETag", "\"" + sha256(data) + "\"");
        long stall = stallAt;
        if (stall >= 0 && range == null) {
            stallAt = -1;
            ex.sendResponseHeaders(200, data.length);
            OutputStream out = ex.getResponseBody();
            out.write(data, 0, (int) stall);
            out.flush();
            try {
                Thread.sleep(30_000); // a mirror that stops sending without closing the connection
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new IOException("stalled on purpose after " + stall + " bytes");
        }
        long cut = cutAt;
        if (cut >= 0 && range == null) {
            cutAt = -1;
            // Chunked, then an exception before the last chunk: the server drops the connection mid-body.
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            out.write(data, 0, (int) cut);
            out.flush();
            try {
                Thread.sleep(200); // let the bytes reach the client before the connection drops
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new IOException("connection cut on purpose after " + cut + " bytes");
        }
        ex.sendResponseHeaders(range != null ? 206 : 200, data.length - from);
        OutputStream out = ex.getResponseBody();
        out.write(data, (int) from, (int) (data.length - from));
    }

    private static void send(HttpExchange ex, int status, Map<String, String> headers, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        headers.forEach((k, v) -> ex.getResponseHeaders().add(k, v));
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
