package dev.sirocco.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The official npm {@code @mistralai/mistralai} SDK, which validates every response against its schemas, against the
 * real server. Needs the package where {@link OpenAiSdkTest#modules()} looks; skipped, saying so, when it is not there.
 */
class MistralSdkTest {
    @TempDir
    Path dir;

    @Test
    void officialClientValidatesEveryAnswer() throws Exception {
        Path modules = OpenAiSdkTest.modules();
        assumeTrue(Files.isDirectory(modules.resolve("@mistralai").resolve("mistralai")),
                "npm package '@mistralai/mistralai' is not installed in " + modules.toAbsolutePath()
                        + " (npm install @mistralai/mistralai there, or set -Dsirocco.npm.modules)");
        assumeTrue(OpenAiSdkTest.onPath("node"), "node is not on the PATH");
        try (TestServer server = TestServer.start(dir)) {
            Process p = new ProcessBuilder("node", Path.of("src", "test", "js", "mistral-sdk.mjs").toString(),
                    modules.toAbsolutePath().toString(), server.base, "tiny")
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(stdout).isZero();
            JsonNode out = TestServer.JSON.readTree(stdout);

            assertThat(out.get("modelIds")).extracting(JsonNode::asText).containsExactly("tiny", "small");
            assertThat(out.get("card").get("id").asText()).isEqualTo("tiny");
            assertThat(out.get("card").get("maxContextLength").asInt()).isEqualTo(256);
            assertThat(out.get("card").get("completionChat").asBoolean()).isTrue();

            JsonNode whole = out.get("whole");
            assertThat(whole.get("id").asText()).startsWith("chatcmpl-");
            assertThat(out.get("streamed").get("text").asText()).isEqualTo(whole.get("text").asText());
            assertThat(out.get("streamed").get("finish").asText()).isEqualTo(whole.get("finish").asText());
            assertThat(whole.get("usage").get("totalTokens").asInt())
                    .isEqualTo(whole.get("usage").get("promptTokens").asInt() + whole.get("usage").get("completionTokens").asInt());

            // random_seed, as the SDK sends it, means the same as OpenAI's seed
            var direct = server.post("/v1/chat/completions", "{\"model\": \"tiny\", \"messages\": [{\"role\": \"user\", "
                    + "\"content\": \"Say something.\"}], \"max_tokens\": 12, \"temperature\": 0.7, \"seed\": 42}").json();
            assertThat(direct.get("choices").get(0).get("message").get("content").asText()).isEqualTo(whole.get("text").asText());

            assertThat(out.get("embeddings").get("count").asInt()).isEqualTo(2);

            assertThat(out.get("embeddings").get("index1").asInt()).isEqualTo(1);

            assertThat(out.get("embeddings").get("dims").asInt()).isEqualTo(server.model("tiny").engine().config().dim());

            assertThat(out.get("unknownModel").get("status").asInt()).isEqualTo(404);

            JsonNode structured = out.get("structured");
            String answer = structured.get("text").asText();
            assertThat(structured.get("finish").asText()).isEqualTo("stop");
            assertThat(ConstrainedOutputsTest.schemaErrors(structured.get("schema"), answer)).as(answer).isEmpty();
        }
    }
}
