package dev.sirocco.server;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Server-sent events written straight to the response stream: {@code data: JSON\n\n} per event, flushed at once,
 * ending with {@code data: [DONE]}. Not Helidon's {@code SseSink}, which answers 406 to clients that send
 * {@code Accept: application/json} (the npm {@code openai} SDK does).
 */
final class SseStream implements AutoCloseable {
    private final OutputStream out;

    SseStream(ServerResponse res) {
        res.status(200);
        res.header(HeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        this.out = res.outputStream();
    }

    /** Writes one event; an IOException means the client has gone. */
    void send(Object json) throws IOException {
        write(Json.bytes(json));
    }

    void done() throws IOException {
        write("[DONE]".getBytes(StandardCharsets.US_ASCII));
    }

    private void write(byte[] data) throws IOException {
        try {
            out.write("data: ".getBytes(StandardCharsets.US_ASCII));
            out.write(data);
            out.write("\n\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        } catch (RuntimeException e) {
            // Helidon reports a closed connection as an unchecked ServerConnectionException: make it the IOException it is.
            throw new IOException("the client went away: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            out.close();
        } catch (RuntimeException e) {
            throw new IOException("the client went away: " + e.getMessage(), e);
        }
    }
}
