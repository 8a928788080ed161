package dev.sirocco.models.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sirocco.models.ModelRequestException;

import java.io.IOException;
import java.io.InputStream;
import java.net.ProxySelector;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The few Hugging Face hub calls pull needs, on the JDK's HttpClient: the file list of a repository at a revision
 * ({@code GET /api/models/{repo}/revision/{rev}?blobs=true}) and file downloads
 * ({@code GET /{repo}/resolve/{rev}/{file}}, which redirects to a CDN). Redirects are followed here, not by the
 * client, so the token is never sent to another host. Proxies come from the JDK's standard settings
 * ({@code https.proxyHost}, ...) through {@link ProxySelector#getDefault()}.
 */
public final class HubClient {
    public static final String ENDPOINT_ENV = "HF_ENDPOINT";
    public static final String TOKEN_ENV = "HF_TOKEN";
    public static final URI DEFAULT_ENDPOINT = URI.create("https://huggingface.co");
    private static final int MAX_REDIRECTS = 10;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI endpoint;
    private final String token;
    private final HttpClient http;

    public HubClient(URI endpoint, String token) {
        String e = endpoint.toString();
        this.endpoint = URI.create(e.endsWith("/") ? e.substring(0, e.length() - 1) : e);
        this.token = token == null || token.isBlank() ? null : token.trim();
        this.http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .proxy(ProxySelector.getDefault())
                .connectTimeout(Duration.ofSeconds(30))
                .build();
    }

    /** {@code $HF_ENDPOINT} (a mirror) or huggingface.co, with {@code $HF_TOKEN} if set. */
    public static HubClient fromEnvironment() {
        String e = System.getenv(ENDPOINT_ENV);
        return new HubClient(e == null || e.isBlank() ? DEFAULT_ENDPOINT : URI.create(e.trim()), System.getenv(TOKEN_ENV));
    }

    public URI endpoint() {
        return endpoint;
    }

    public boolean hasToken() {
        return token != null;
    }

    /** The repository's files at {@code revision}, with sizes and LFS checksums. */
    public HubRepository repository(String repo, String revision) throws IOException {
        URI uri = URI.create(endpoint + "/api/models/" + repo + "/revision/" + encode(revision) + "?blobs=true");
        HttpResponse<InputStream> r = send(uri, Map.of());
        try (InputStream body = r.body()) {
            if (r.statusCode() != 200) {
                throw HubErrors.of(r, new String(body.readNBytes(4096), StandardCharsets.UTF_8), repo, revision, null, hasToken(), endpoint);
            }
            JsonNode root = JSON.readTree(body);
            List<HubFile> files = new ArrayList<>();
            for (JsonNode s : root.path("siblings")) {
                JsonNode lfs = s.path("lfs");
                long size = lfs.path("size").asLong(s.path("size").asLong(-1));
                String sha = lfs.path("sha256").isTextual() ? lfs.path("sha256").asText() : null;
                files.add(new HubFile(s.path("rfilename").asText(), size, sha));
            }
            JsonNode gated = root.path("gated");
            String gatedMode = gated.isTextual() ? gated.asText() : null;
            return new HubRepository(repo, root.path("sha").asText(revision), gatedMode, files);
        }
    }

    /** Where a file is downloaded from (before redirects). */
    public URI resolveUri(String repo, String revision, String file) {
        StringBuilder path = new StringBuilder();
        for (String part : file.split("/")) {
            path.append('/').append(encode(part));
        }
        return URI.create(endpoint + "/" + repo + "/resolve/" + encode(revision) + path);
    }

    /**
     * GETs {@code uri} with {@code headers} (plus the token while on the endpoint's host), following redirects. The
     * caller closes the body.
     */
    HttpResponse<InputStream> send(URI uri, Map<String, String> headers) throws IOException {
        URI current = uri;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpRequest.Builder b = HttpRequest.newBuilder(current).GET().timeout(Duration.ofMinutes(2))
                    .header("User-Agent", "sirocco/0.1");
            headers.forEach(b::header);
            // the token goes to the hub only, never to the CDN a download redirects to (or anywhere else)
            if (token != null && Objects.equals(current.getScheme(), endpoint.getScheme())
                    && Objects.equals(current.getAuthority(), endpoint.getAuthority())) {
                b.header("Authorization", "Bearer " + token);
            }
            HttpResponse<InputStream> r;
            try {
                r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            int s = r.statusCode();
            if (s == 301 || s == 302 || s == 303 || s == 307 || s == 308) {
                String location = r.headers().firstValue("Location").orElse(null);
                r.body().close();
                if (location == null) {
                    throw new IOException("redirect " + s + " without a Location from " + current);
                }
                current = current.resolve(location);
                continue;
            }
            return r;
        }
        throw new IOException("more than " + MAX_REDIRECTS + " redirects from " + uri);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static ModelRequestException unreachable(URI endpoint, IOException e) {
        return new ModelRequestException("cannot reach " + endpoint + " (" + e + "); check the network or proxy settings,"
                + " set HF_ENDPOINT for a mirror, or use --offline for models already in the store", e);
    }
}
