package dev.sirocco.server;

/**
 * A request failed in a way the client is told about: the HTTP status and the fields of the
 * {@code {"error": {"message", "type", "param", "code"}}} body both APIs use.
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String type;
    private final String param;
    private final String code;
    private final Long retryAfterSeconds;

    public ApiException(int status, String type, String param, String code, String message) {
        this(status, type, param, code, message, null);
    }

    private ApiException(int status, String type, String param, String code, String message, Long retryAfterSeconds) {
        super(message);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** 400: a field is missing, of the wrong type or out of range; {@code param} is its JSON path. */
    public static ApiException badField(String param, String message) {
        return new ApiException(400, "invalid_request_error", param, "invalid_value", message);
    }

    /** 400: a parameter the API defines but this server does not implement yet (never silently ignored). */
    public static ApiException unsupported(String param, String message) {
        return new ApiException(400, "invalid_request_error", param, "unsupported_parameter", message);
    }

    public static ApiException notFound(String param, String code, String message) {
        return new ApiException(404, "invalid_request_error", param, code, message);
    }

    /** 503 with Retry-After: the server cannot take this request now, but may soon. */
    public static ApiException unavailable(String param, String code, String message, long retryAfterSeconds) {
        return new ApiException(503, "server_error", param, code, message, retryAfterSeconds);
    }

    public static ApiException tooBusy(long retryAfterSeconds, String message) {
        return new ApiException(429, "rate_limit_error", null, "queue_full", message, retryAfterSeconds);
    }

    /** 429: the caller's key is over its requests- or tokens-per-minute limit. */
    public static ApiException rateLimited(long retryAfterSeconds, String message) {
        return new ApiException(429, "rate_limit_error", null, "rate_limit_exceeded", message, retryAfterSeconds);
    }

    /** 504: the request ran past the server's {@code --request-timeout} and was stopped. */
    public static ApiException timedOut(java.time.Duration limit) {
        String seconds = java.math.BigDecimal.valueOf(limit.toMillis(), 3).stripTrailingZeros().toPlainString();
        return new ApiException(504, "server_error", null, "request_timeout",
                "the request ran longer than this server's limit of " + seconds + " s (serve --request-timeout) and was stopped");
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String param() {
        return param;
    }

    public String code() {
        return code;
    }

    /** Seconds for a {@code Retry-After} header, or null when the client should not retry as such. */
    public Long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
