package dev.sirocco.server;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;

/**
 * How the API server listens.
 *
 * @param host           address to bind (127.0.0.1 by default; anything else requires keys: --api-key or stored ones)
 * @param port           TCP port; 0 picks a free one
 * @param apiKey         a key clients may send as a Bearer token, or null for none
 * @param maxBodyBytes   largest request body accepted; larger ones get 413
 * @param requestTimeout longest a generation may take, queueing included; longer ones are stopped with 504
 * @param storedKeys     whether keys from {@code sirocco keys create} (in the server's database) exist to authenticate
 *                       callers: they make a non-loopback host safe without {@code --api-key}
 */
public record ServerOptions(String host, int port, String apiKey, long maxBodyBytes, Duration requestTimeout, boolean storedKeys) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    public static final long DEFAULT_MAX_BODY_BYTES = 1 << 20;
    /** Ten minutes: thousands of tokens on a CPU, and still a bound on a request that would never end. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(600);

    public ServerOptions {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
        }
        if (maxBodyBytes < 1) {
            throw new IllegalArgumentException("the body limit must be positive, got " + maxBodyBytes);
        }
        if (apiKey != null && apiKey.isBlank()) {
            throw new IllegalArgumentException("the API key must not be blank");
        }
        if (requestTimeout == null || requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("the request timeout must be positive, got " + requestTimeout);
        }
        if (apiKey == null && !storedKeys && !isLoopback(host)) {
            throw new IllegalArgumentException("refusing to listen on " + host
                    + " without an API key: beyond loopback anyone could use the server; create one with"
                    + " 'sirocco keys create' or give --api-key KEY");
        }
    }

    public ServerOptions(String host, int port, String apiKey, long maxBodyBytes) {
        this(host, port, apiKey, maxBodyBytes, DEFAULT_REQUEST_TIMEOUT, false);
    }

    public static ServerOptions loopback(int port) {
        return new ServerOptions(DEFAULT_HOST, port, null, DEFAULT_MAX_BODY_BYTES);
    }

    public ServerOptions withApiKey(String key) {
        return new ServerOptions(host, port, key, maxBodyBytes, requestTimeout, storedKeys);
    }

    public ServerOptions withMaxBodyBytes(long n) {
        return new ServerOptions(host, port, apiKey, n, requestTimeout, storedKeys);
    }

    public ServerOptions withRequestTimeout(Duration timeout) {
        return new ServerOptions(host, port, apiKey, maxBodyBytes, timeout, storedKeys);
    }

    /** Whether a request must carry a key: always beyond loopback, and whenever {@code --api-key} is given. */
    public boolean keyRequired() {
        return apiKey != null || !isLoopback(host);
    }

    /** Whether {@code host} resolves to a loopback address only (0.0.0.0 and :: listen everywhere: not loopback). */
    public static boolean isLoopback(String host) {
        try {
            InetAddress[] all = InetAddress.getAllByName(host);
            for (InetAddress a : all) {
                if (!a.isLoopbackAddress()) {
                    return false;
                }
            }
            return all.length > 0;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("cannot resolve host " + host);
        }
    }
}
