package dev.sirocco.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The official npm {@code openai} SDK against the real server: its own parsing and error classes accept our answers.
 * Needs {@code openai} installed beside the oracle packages ({@code sirocco-testkit/oracle/node_modules}) or in the
 * directory the system property {@code sirocco.npm.modules} names; skipped, saying so, when it is not there.
 */
class OpenAiSdkTest {
    @TempDir
    Path dir;

    static Path modules() {
        String configured = System.getProperty("sirocco.npm.modules");
        return configured != null ? Path.of(configured) : Path.of("..", "sirocco-testkit", "oracle", "node_modules");
    }

    @Test
    void officialClientParsesEveryAnswer() throws Exception {
        Path modules = modules();
        assumeTrue(Files.isDirectory(modules.resolve("openai")),
                "npm package 'openai' is not installed in " + modules.toAbsolutePath() + " (npm install openai there, or set -Dsirocco.npm.modules)");
        assumeTrue(onPath("node"), "node is not on the PATH");
        try (TestServer server = TestServer.start(dir)) {
            Process p = new ProcessBuilder("node", Path.of("src", "test", "js", "openai-sdk.mjs").toString(),
                    modules.toAbsolutePath().toString(), server.base + "/v1", "tiny")
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(stdout).isZero();
            JsonNode out = TestServer.JSON.readTree(stdout);

            assertThat(out.get("modelIds")).extracting(JsonNode::asText).containsExactly("tiny", "small");
            assertThat(out.get("card").get("id").asText()).isEqualTo("tiny");

            JsonNode whole = out.get("whole");
            assertThat(whole.get("id").asText()).startsWith("chatcmpl-");
            assertThat(whole.get("object").asText()).isEqualTo("chat.completion");
            assertThat(whole.get("role").asText()).isEqualTo("assistant");
            JsonNode streamed = out.get("streamed");
            assertThat(streamed.get("text").asText()).isEqualTo(whole.get("text").asText());
            assertThat(streamed.get("finish").asText()).isEqualTo(whole.get("finish").asText());
            assertThat(streamed.get("usage")).isEqualTo(whole.get("usage"));
            assertThat(streamed.get("chunks").asInt()).isGreaterThan(2);

            // the same request straight over HTTP gives the same text: the SDK changed nothing on the way
            var direct = server.post("/v1/chat/completions", "{\"model\": \"tiny\", \"messages\": [{\"role\": \"user\", "
                    + "\"content\": \"Say something.\"}], \"max_tokens\": 12, \"temperature\": 0.7, \"seed\": 42}").json();
            assertThat(direct.get("choices").get(0).get("message").get("content").asText()).isEqualTo(whole.get("text").asText());

            assertThat(out.get("legacy").get("object").asText()).isEqualTo("text_completion");
            assertThat(out.get("legacy").get("usage").get("completion_tokens").asInt()).isBetween(0, 5);

            JsonNode emb = out.get("embeddings");
            assertThat(emb.get("object").asText()).isEqualTo("list");
            assertThat(emb.get("count").asInt()).isEqualTo(2);
            int dim = server.model("tiny").engine().config().dim();
            assertThat(emb.get("dims").asInt()).isEqualTo(dim);
            // the SDK's decoding of our base64 gives the floats we send as numbers
            for (int i = 0; i < dim; i++) {
                assertThat(emb.get("first").get(i).floatValue()).isEqualTo(emb.get("floats").get(i).floatValue());
            }
            assertThat(emb.get("usage").get("prompt_tokens").asInt()).isPositive();
            assertThat(out.get("unknownModel").get("status").asInt()).isEqualTo(404);
            assertThat(out.get("unknownModel").get("name").asText()).isEqualTo("NotFoundError");
            assertThat(out.get("badField").get("status").asInt()).isEqualTo(400);
            assertThat(out.get("badField").get("name").asText()).isEqualTo("BadRequestError");
            assertThat(out.get("badField").get("param").asText()).isEqualTo("temperature");
            assertThat(out.get("unsupported").get("status").asInt()).isEqualTo(400);
            assertThat(out.get("unsupported").get("param").asText()).isEqualTo("response_format.json_schema.schema.pattern");
            assertThat(out.get("unsupported").get("code").asText()).isEqualTo("unsupported_parameter");

            // response_format json_schema / json_object through the SDK: the answers parse and validate
            JsonNode structured = out.get("structured");
            String answer = structured.get("whole").asText();
            assertThat(structured.get("finish").asText()).isEqualTo("stop");
            assertThat(ConstrainedOutputsTest.schemaErrors(structured.get("schema"), answer)).as(answer).isEmpty();
            assertThat(structured.get("streamed").asText()).isEqualTo(answer);
            assertThat(structured.get("objectFinish").asText()).isEqualTo("stop");
            assertThat(TestServer.JSON.readTree(structured.get("object").asText()).isObject()).isTrue();
        }
    }

    static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String d : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, program))) {
                return true;
            }
        }
        return false;
    }
}
