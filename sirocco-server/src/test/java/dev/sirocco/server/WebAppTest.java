package dev.sirocco.server;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The web app's files over HTTP: content types, the security headers, revalidation, gzip, and nothing outside the app. */
class WebAppTest {
    /** The budget for the whole app, gzipped. */
    static final long BUDGET_GZIPPED = 500 * 1024;

    static TestServer server;
    static final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() throws IOException {
        server = TestServer.of(List.of());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static HttpResponse<byte[]> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.base + path)).GET();
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static String header(HttpResponse<?> r, String name) {
        return r.headers().firstValue(name).orElse(null);
    }

    @Test
    void thePageComesWithAStrictContentSecurityPolicy() throws Exception {
        HttpResponse<byte[]> r = get("/");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(header(r, "content-type")).isEqualTo("text/html; charset=utf-8");
        String csp = header(r, "content-security-policy");
        assertThat(csp).contains("script-src 'self';", "frame-ancestors 'none'", "default-src 'none'", "base-uri 'none'")
                .doesNotContain("unsafe-inline", "unsafe-eval", "http:", "https:", "*");
        assertThat(header(r, "x-content-type-options")).isEqualTo("nosniff");
        assertThat(header(r, "x-frame-options")).isEqualTo("DENY");
        assertThat(header(r, "referrer-policy")).isEqualTo("no-referrer");
        assertThat(header(r, "cache-control")).isEqualTo("no-cache");
    }

    @Test
    void thePageHasNoInlineScriptOrStyleAndLoadsNothingFromElsewhere() throws Exception {
        String html = new String(get("/").body(), java.nio.charset.StandardCharsets.UTF_8);
        Matcher scripts = Pattern.compile("<script([^>]*)>(.*?)</script>", Pattern.DOTALL).matcher(html);
        int n = 0;
        while (scripts.find()) {
            n++;
            assertThat(scripts.group(1)).contains("src=\"app/");
            assertThat(scripts.group(2)).isBlank();
        }
        assertThat(n).isPositive();
        assertThat(html).doesNotContainPattern("(?i)\\son[a-z]+=").doesNotContain("style=", "<style", "//cdn", "http://", "https://");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/app/js/main.js", "/app/js/api.js", "/app/js/markdown.js", "/app/vendor/marked.esm.js",
            "/app/vendor/purify.es.mjs", "/app/vendor/highlight.min.js"})
    void scriptsAreServedAsJavaScript(String path) throws Exception {
        HttpResponse<byte[]> r = get(path);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(header(r, "content-type")).isEqualTo("text/javascript; charset=utf-8");
        assertThat(header(r, "x-content-type-options")).isEqualTo("nosniff");
    }

    @Test
    void styleSheetsAndLicencesHaveTheirTypes() throws Exception {
        assertThat(header(get("/app/app.css"), "content-type")).isEqualTo("text/css; charset=utf-8");
        assertThat(header(get("/app/icon.svg"), "content-type")).isEqualTo("image/svg+xml");
        HttpResponse<byte[]> licence = get("/app/vendor/licenses/dompurify.LICENSE");
        assertThat(header(licence, "content-type")).isEqualTo("text/plain; charset=utf-8");
        assertThat(new String(licence.body())).contains("Apache License");
    }

    @Test
    void anUnchangedFileIsRevalidatedWithItsEtag() throws Exception {
        HttpResponse<byte[]> first = get("/app/js/main.js");
        String etag = header(first, "etag");
        assertThat(etag).matches("\"[0-9a-f]{32}\"");
        HttpResponse<byte[]> again = get("/app/js/main.js", "If-None-Match", etag);
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        assertThat(get("/app/js/main.js", "If-None-Match", "\"0123\"").statusCode()).isEqualTo(200);
        assertThat(header(get("/app/js/api.js"), "etag")).isNotEqualTo(etag);
    }

    @Test
    void gzipIsSentOnlyToClientsThatTakeIt() throws Exception {
        HttpResponse<byte[]> plain = get("/app/vendor/highlight.min.js");
        assertThat(header(plain, "content-encoding")).isNull();
        HttpResponse<byte[]> zipped = get("/app/vendor/highlight.min.js", "Accept-Encoding", "br, gzip");
        assertThat(header(zipped, "content-encoding")).isEqualTo("gzip");
        assertThat(zipped.body().length).isLessThan(plain.body().length / 2);
        assertThat(new GZIPInputStream(new java.io.ByteArrayInputStream(zipped.body())).readAllBytes()).isEqualTo(plain.body());
        assertThat(header(get("/app/app.css", "Accept-Encoding", "gzip;q=0, identity"), "content-encoding")).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/app/../db/migration/V1__api_keys_and_usage.sql", "/app/%2e%2e/index.html", "/app/.hidden.js",
            "/app/nothing.js", "/app/vendor", "/app/js/main.java", "/index.html.bak"})
    void onlyTheAppsOwnFilesAreServed(String path) throws Exception {
        HttpResponse<byte[]> r = get(path);
        assertThat(r.statusCode()).as(path).isEqualTo(404);
        assertThat(header(r, "content-type")).isEqualTo("application/json");
    }

    /** Sums the app's files as gzip sends them; the classpath copy is what the jar holds. */
    @Test
    void theWholeAppIsUnderHalfAMegabyteGzipped() throws Exception {
        Path root = Path.of(WebAppTest.class.getClassLoader().getResource("webapp/index.html").toURI()).getParent();
        long total;
        try (Stream<Path> files = Files.walk(root)) {
            total = files.filter(Files::isRegularFile).mapToLong(WebAppTest::gzippedSize).sum();
        }
        System.out.println("web app: " + total + " bytes gzipped");
        assertThat(total).isLessThan(BUDGET_GZIPPED);
    }

    private static long gzippedSize(Path file) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
                gz.write(Files.readAllBytes(file));
            }
            return out.size();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
