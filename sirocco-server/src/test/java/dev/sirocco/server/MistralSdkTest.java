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

    /**
     * Fine-tuning jobs through Mistral's SDK: created waiting ({@code autoStart: false}), retrieved as VALIDATED,
     * started, listed, a second one cancelled while waiting, the first followed to SUCCESS and its model chatted with.
     * Mistral's SDK has no fine-tuning jobs after 2.3.0, so this uses 2.3.0 under the npm alias
     * {@code mistralai-fine-tuning}; skipped, saying so, without it.
     */
    @Test
    void officialClientRunsAFineTuningJobThatWaitsForItsStart() throws Exception {
        Path modules = OpenAiSdkTest.modules();
        assumeTrue(Files.isDirectory(modules.resolve("mistralai-fine-tuning")),
                "npm package 'mistralai-fine-tuning' (@mistralai/mistralai@2.3.0) is not installed in " + modules.toAbsolutePath()
                        + " (npm install in sirocco-testkit/oracle, or set -Dsirocco.npm.modules)");
        assumeTrue(OpenAiSdkTest.onPath("node"), "node is not on the PATH");
        Path model = dev.sirocco.testkit.RandomModels.write(dev.sirocco.testkit.ModelSpec.tinyLlama(), dir.resolve("tiny.gguf"));
        Path train = Files.writeString(dir.resolve("train.jsonl"), FineTuningJobsTest.chatData());
        try (FineTuningServer s = new FineTuningServer(dir.resolve("data"), model, 1 << 20)) {
            JsonNode out = FineTuningSdkTest.node(Path.of("src", "test", "js", "mistral-fine-tuning.mjs"),
                    modules.toAbsolutePath().toString(), s.base, "tiny", train.toString());
            assertThat(out.get("pkgVersion").asText()).isEqualTo("2.3.0");

            JsonNode created = out.get("created");
            String id = created.get("id").asText();
            assertThat(created.get("object").asText()).isEqualTo("job");
            assertThat(created.get("jobType").asText()).isEqualTo("completion");
            assertThat(created.get("autoStart").asBoolean()).isFalse();
            assertThat(created.get("status").asText()).isEqualTo("VALIDATED");
            assertThat(created.get("hyperparameters").get("trainingSteps").asInt()).isEqualTo(40);
            assertThat(created.get("hyperparameters").get("seqLen").asInt()).isEqualTo(64);
            assertThat(created.get("modifiedAt").asLong()).isGreaterThanOrEqualTo(created.get("createdAt").asLong());

            JsonNode retrieved = out.get("retrieved");
            assertThat(retrieved.get("status").asText()).isEqualTo("VALIDATED");
            assertThat(retrieved.get("events")).isNotEmpty();
            assertThat(out.get("started").get("status").asText()).isIn("QUEUED", "RUNNING");
            assertThat(out.get("startedAgain").get("status").asInt()).isEqualTo(400);
            assertThat(out.get("listed").get("total").asInt()).isEqualTo(1);
            assertThat(out.get("listed").get("ids")).extracting(JsonNode::asText).containsExactly(id);
            assertThat(out.get("page")).extracting(JsonNode::asText).containsExactly(id);

            assertThat(out.get("secondCreated").get("status").asText()).isEqualTo("VALIDATED");
            assertThat(out.get("cancelled").get("status").asText()).isEqualTo("CANCELLED");

            JsonNode done = out.get("done");
            assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("SUCCESS");
            assertThat(done.get("fineTunedModel").asText()).startsWith("ft:tiny:mistral:");
            assertThat(done.get("trainedTokens").asLong()).isPositive();
            JsonNode checkpoints = done.get("checkpoints");
            assertThat(checkpoints).hasSize(10);
            assertThat(checkpoints.get(0).get("stepNumber").asInt()).isEqualTo(40);
            assertThat(checkpoints.get(0).get("metrics").get("trainLoss").asDouble())
                    .isLessThan(checkpoints.get(checkpoints.size() - 1).get("metrics").get("trainLoss").asDouble());
            assertThat(checkpoints.get(0).get("metrics").get("validLoss").isNumber()).isTrue();
            // Mistral's request has no seed, so the job trains with a random one: what it learned is checked by the
            // OpenAI SDK's seeded job (FineTuningSdkTest); here, that the fine-tune answers through the SDK at all
            for (String[] pair : new String[][]{FineTuningJobsTest.PAIRS[0], FineTuningJobsTest.PAIRS[1]}) {
                assertThat(out.get("replies").get(pair[0])).as("reply to %s", pair[0]).isNotNull();
                assertThat(out.get("replies").get(pair[0]).isTextual()).isTrue();
            }
            assertThat(out.get("unknownJob").get("status").asInt()).isEqualTo(404);

            // the same jobs in OpenAI's list keep OpenAI's names
            JsonNode openAi = TestServer.JSON.readTree(java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(s.base + "/v1/fine_tuning/jobs?limit=10")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body());
            assertThat(openAi.get("data")).extracting(j -> j.get("status").asText()).containsExactly("cancelled", "succeeded");
        }
    }
}
