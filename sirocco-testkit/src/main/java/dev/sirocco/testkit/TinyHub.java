package dev.sirocco.testkit;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The smallest imitation of the Hugging Face hub that {@code pull} accepts: one repository holding one GGUF file,
 * listed at {@code /api/models/{repo}/revision/main} with its LFS size and SHA-256 and served at
 * {@code /{repo}/resolve/main/{file}}; anything else is the hub's 404 for an unknown repository.
 */
public final class TinyHub implements AutoCloseable {
    private final HttpServer server;

    public TinyHub(String repo, String fileName, byte[] gguf) throws IOException {
        String sha = sha256(gguf);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            String path = ex.getRequestURI().getPath();
            byte[] body;
            int status = 200;
            if (path.equals("/api/models/" + repo + "/revision/main")) {
                body = ("{\"sha\":\"c0ffee\",\"siblings\":[{\"rfilename\":\"" + fileName + "\",\"size\":" + gguf.length
                        + ",\"lfs\":{\"sha256\":\"" + sha + "\",\"size\":" + gguf.length + "}}]}").getBytes(StandardCharsets.UTF_8);
            } else if (path.equals("/" + repo + "/resolve/main/" + fileName)) {
                body = gguf;
            } else {
                status = 404;
                ex.getResponseHeaders().add("X-Error-Code", "RepoNotFound");
                body = "Repository not found".getBytes(StandardCharsets.UTF_8);
            }
            ex.sendResponseHeaders(status, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    /** The endpoint to give {@code pull} ({@code --endpoint}, or a {@code HubClient}). */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
