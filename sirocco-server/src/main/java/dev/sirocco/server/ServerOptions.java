package dev.sirocco.server;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * How the API server listens.
 *
 * @param host         address to bind (127.0.0.1 by default; anything else requires an API key)
 * @param port         TCP port; 0 picks a free one
 * @param apiKey       key clients must send as a Bearer token, or null for none (loopback only)
 * @param maxBodyBytes largest request body accepted; larger ones get 413
 */
public record ServerOptions(String host, int port, String apiKey, long maxBodyBytes) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    public static final long DEFAULT_MAX_BODY_BYTES = 1 << 20;

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
        if (apiKey == null && !isLoopback(host)) {
            throw new IllegalArgumentException("refusing to listen on " + host
                    + " without an API key: beyond loopback anyone could use the server; give --api-key KEY");
        }
    }

    public static ServerOptions loopback(int port) {
        return new ServerOptions(DEFAULT_HOST, port, null, DEFAULT_MAX_BODY_BYTES);
    }

    public ServerOptions withApiKey(String key) {
        return new ServerOptions(host, port, key, maxBodyBytes);
    }

    public ServerOptions withMaxBodyBytes(long n) {
        return new ServerOptions(host, port, apiKey, n);
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
