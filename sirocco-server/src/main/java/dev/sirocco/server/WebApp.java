package dev.sirocco.server;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;

/**
 * The chat web app's static files, classpath {@code webapp/}: {@code index.html} at {@code /}, everything else under
 * {@code /app/}. Each answer carries the headers that keep the app safe (a Content-Security-Policy allowing only its
 * own scripts and styles and no framing, nosniff, no referrer) and an ETag, revalidated on every use ({@code no-cache}):
 * a new server version is picked up at once, an unchanged file costs a 304. Files are gzipped once, in memory, for
 * browsers that take it.
 */
final class WebApp {
    /** Only the app's own files run or style the page; model output can neither load nor run anything. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; font-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    private static final String ROOT = "webapp/";
    private static final Pattern SAFE_PATH = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9_.-]*(/[A-Za-z0-9_-][A-Za-z0-9_.-]*)*");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "mjs", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon",
            "json", "application/json",
            "txt", "text/plain; charset=utf-8",
            "LICENSE", "text/plain; charset=utf-8");

    /** One file, loaded and gzipped once. */
    private record Asset(byte[] bytes, byte[] gzipped, String contentType, String etag) {
    }

    private final Map<String, Asset> assets = new ConcurrentHashMap<>();

    /** {@code GET /}: the app's page. */
    void index(ServerRequest req, ServerResponse res) {
        serve("index.html", req, res);
    }

    /** {@code GET /app/{path}}: a script, style sheet, icon or licence of the app. */
    void file(ServerRequest req, ServerResponse res) {
        String path = req.path().path().substring("/app/".length());
        serve(path, req, res);
    }

    private void serve(String path, ServerRequest req, ServerResponse res) {
        Asset asset = find(path).orElseThrow(() -> ApiException.notFound(null, "not_found", "the web app has no file '" + path + "'"));
        res.header(HeaderNames.CONTENT_TYPE, asset.contentType());
        res.header(HeaderNames.create("Content-Security-Policy"), CONTENT_SECURITY_POLICY);
        res.header(HeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff");
        res.header(HeaderNames.create("X-Frame-Options"), "DENY");
        res.header(HeaderNames.create("Referrer-Policy"), "no-referrer");
        res.header(HeaderNames.create("Cross-Origin-Opener-Policy"), "same-origin");
        res.header(HeaderNames.create("Cross-Origin-Resource-Policy"), "same-origin");
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        res.header(HeaderNames.ETAG, asset.etag());
        res.header(HeaderNames.VARY, "Accept-Encoding");
        String ifNoneMatch = req.headers().first(HeaderNames.IF_NONE_MATCH).orElse(null);
        if (ifNoneMatch != null && (ifNoneMatch.contains(asset.etag()) || ifNoneMatch.strip().equals("*"))) {
            res.status(304);
            res.send();
            return;
        }
        res.status(200);
        if (acceptsGzip(req.headers().first(HeaderNames.ACCEPT_ENCODING).orElse(""))) {
            res.header(HeaderNames.CONTENT_ENCODING, "gzip");
            res.send(asset.gzipped());
        } else {
            res.send(asset.bytes());
        }
    }

    private Optional<Asset> find(String path) {
        if (!SAFE_PATH.matcher(path).matches()) {
            return Optional.empty(); // no "..", no hidden files, nothing but plain names
        }
        Asset cached = assets.get(path);
        if (cached != null) {
            return Optional.of(cached);
        }
        String type = TYPES.get(path.substring(path.lastIndexOf('.') + 1));
        if (type == null) {
            return Optional.empty();
        }
        try (InputStream in = WebApp.class.getClassLoader().getResourceAsStream(ROOT + path)) {
            if (in == null) {
                return Optional.empty(); // misses are not cached: any number of names could be asked for
            }
            byte[] bytes = in.readAllBytes();
            Asset asset = new Asset(bytes, gzip(bytes), type, etag(bytes));
            assets.put(path, asset);
            return Optional.of(asset);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the web app's " + path, e);
        }
    }

    /** Whether an Accept-Encoding value takes gzip (and does not refuse it with q=0). */
    static boolean acceptsGzip(String acceptEncoding) {
        for (String part : acceptEncoding.toLowerCase(Locale.ROOT).split(",")) {
            String[] fields = part.split(";");
            if (fields[0].strip().equals("gzip")) {
                for (int i = 1; i < fields.length; i++) {
                    String f = fields[i].strip().replace(" ", "");
                    if (f.matches("q=0(\\.0*)?")) {
                        return false;
                    }
                }
                return true;
            }
        }
        return false;
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 3 + 64);
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }

    private static String etag(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return "\"" + HexFormat.of().formatHex(digest, 0, 16) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
