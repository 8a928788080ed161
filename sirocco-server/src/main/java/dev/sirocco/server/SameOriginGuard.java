package dev.sirocco.server;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;

import java.util.Locale;

/**
 * Keeps other web sites away from the web app's endpoints. The app authenticates with a Bearer key from its own
 * script, never a cookie, but on loopback a request without a key is served anonymously, so a page elsewhere could
 * otherwise have the browser send one. Refused: a request the browser marks as sent by another origin (Fetch
 * Metadata, or an Origin header naming another host), a state-changing request whose body is not JSON (a form or
 * {@code text/plain} post needs no CORS preflight; JSON does, and this server grants none), and an anonymous request
 * addressed by a name other than loopback's (a DNS-rebinding page names its own host).
 */
final class SameOriginGuard {
    private SameOriginGuard() {
    }

    /** Checks a request that only reads. */
    static void reading(ServerRequest req) {
        origin(req);
        loopbackName(req);
    }

    /** Checks a request that changes state; {@code hasBody}: it carries a JSON body. */
    static void changing(ServerRequest req, boolean hasBody) {
        reading(req);
        if (hasBody) {
            String type = req.headers().first(HeaderNames.CONTENT_TYPE).orElse("");
            String mediaType = type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
            if (!mediaType.equals("application/json")) {
                throw new ApiException(415, "invalid_request_error", null, "unsupported_media_type",
                        "this endpoint takes a JSON body: send 'Content-Type: application/json'"
                                + (type.isEmpty() ? "" : " (got '" + type + "')"));
            }
        }
    }

    private static void origin(ServerRequest req) {
        String site = req.headers().first(HeaderNames.create("Sec-Fetch-Site")).orElse(null);
        if (site != null && !site.equals("same-origin") && !site.equals("none")) {
            throw crossOrigin("the browser marked this request as sent from another site (Sec-Fetch-Site: " + site + ")");
        }
        String origin = req.headers().first(HeaderNames.ORIGIN).orElse(null);
        if (origin == null) {
            return; // not sent by a browser's cross-origin machinery (curl, SDKs, a same-origin GET)
        }
        String host = req.headers().first(HeaderNames.HOST).orElse("");
        String originHost = origin.contains("://") ? origin.substring(origin.indexOf("://") + 3) : "";
        // an Origin omits the scheme's default port, which a Host header may carry
        String defaultPort = origin.startsWith("https://") ? ":443" : ":80";
        if (!originHost.equalsIgnoreCase(host) && !(originHost + defaultPort).equalsIgnoreCase(host)) {
            throw crossOrigin("the request comes from the page of another origin (" + origin + ")");
        }
    }

    private static void loopbackName(ServerRequest req) {
        if (!Caller.current().keyId().equals(dev.sirocco.server.store.UsageStore.ANONYMOUS)) {
            return; // a key authenticates the caller, whatever name reached the server
        }
        String host = req.headers().first(HeaderNames.HOST).orElse("").toLowerCase(Locale.ROOT);
        String name = host.startsWith("[") ? host.substring(0, host.indexOf(']') + 1) : host.split(":", 2)[0];
        boolean loopback = name.equals("localhost") || name.endsWith(".localhost") || name.equals("[::1]")
                || name.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
        if (!loopback) {
            throw new ApiException(403, "permission_error", null, "key_required",
                    "without an API key this server answers only to loopback names (localhost, 127.0.0.1), not '" + host
                            + "'; send 'Authorization: Bearer YOUR_KEY'");
        }
    }

    private static ApiException crossOrigin(String why) {
        return new ApiException(403, "permission_error", null, "cross_origin", why + "; the web app's endpoints serve its own pages only");
    }
}
