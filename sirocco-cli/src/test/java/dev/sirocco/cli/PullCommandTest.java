package dev.sirocco.cli;

import com.sun.net.httpserver.HttpServer;
import dev.sirocco.testkit.ModelSpec;
import dev.sirocco.testkit.RandomModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

import static dev.sirocco.cli.CommandsTest.run;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code sirocco pull} end to end against a minimal local hub, then the pulled id used as --model. */
class PullCommandTest {
    @TempDir
    Path tmp;

    @Test
    void pulledModelLandsInTheStoreAndRunsByIdAndUnknownRepoExitsTwo() throws Exception {
        byte[] gguf = Files.readAllBytes(RandomModels.write(ModelSpec.tinyLlama(), tmp.resolve("m.gguf")));
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(gguf));
        HttpServer hub = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hub.createContext("/", ex -> {
            String path = ex.getRequestURI().getPath();
            byte[] body;
            int status = 200;
            if (path.equals("/api/models/acme/Tiny-GGUF/revision/main")) {
                body = ("{\"sha\":\"c0ffee\",\"siblings\":[{\"rfilename\":\"tiny-Q4_K_M.gguf\",\"size\":" + gguf.length
                        + ",\"lfs\":{\"sha256\":\"" + sha + "\",\"size\":" + gguf.length + "}}]}").getBytes(StandardCharsets.UTF_8);
            } else if (path.equals("/acme/Tiny-GGUF/resolve/main/tiny-Q4_K_M.gguf")) {
                body = gguf;
            } else {
                status = 404;
                ex.getResponseHeaders().add("X-Error-Code", "RepoNotFound");
                body = "Repository not found".getBytes(StandardCharsets.UTF_8);
            }
            ex.sendResponseHeaders(status, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        hub.start();
        try {
            String endpoint = "http://127.0.0.1:" + hub.getAddress().getPort();
            String data = tmp.resolve("data").toString();

            CommandsTest.Result pull = run("pull", "hf:acme/Tiny-GGUF", "--data-dir", data, "--endpoint", endpoint);
            assertThat(pull.exit()).as(pull.err()).isZero();
            assertThat(pull.out().strip()).isEqualTo("tiny:q4_k_m");
            assertThat(pull.err()).contains("100% [").contains("stored as tiny:q4_k_m (SHA-256 verified)");

            CommandsTest.Result tokens = run("logits", "--model", "tiny:q4_k_m", "--data-dir", data, "--tokens", "1,2");
            assertThat(tokens.exit()).as(tokens.err()).isZero();

            CommandsTest.Result missing = run("pull", "hf:acme/Nope", "--data-dir", data, "--endpoint", endpoint);
            assertThat(missing.exit()).isEqualTo(2);
            assertThat(missing.err().strip()).isEqualTo("sirocco: repository acme/Nope not found on " + endpoint
                    + " (HTTP 404); check the name" + (System.getenv("HF_TOKEN") == null ? ", and set HF_TOKEN if it is private" : ""));
        } finally {
            hub.stop(0);
        }
    }
}
