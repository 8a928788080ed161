package dev.sirocco.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sirocco.testkit.ModelSpec;
import dev.sirocco.testkit.RandomModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The official npm {@code openai} SDK end to end: upload, fine-tune, follow the job, cancel a second one, then chat
 * with the fine-tuned model, which answers as it was taught. Skipped, saying so, without node or the package.
 */
class FineTuningSdkTest {
    @TempDir
    Path dir;

    /** Runs a script with node and reads the one JSON line it prints. */
    static JsonNode node(Path script, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("node", script.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(stdout).isZero();
        return TestServer.JSON.readTree(stdout);
    }

    @Test
    void openAiClientFineTunesAndChatsWithTheResult() throws Exception {
        Path modules = OpenAiSdkTest.modules();
        assumeTrue(Files.isDirectory(modules.resolve("openai")), "npm package 'openai' is not installed in " + modules.toAbsolutePath());
        assumeTrue(OpenAiSdkTest.onPath("node"), "node is not on the PATH");
        Path model = RandomModels.write(ModelSpec.tinyLlama(), dir.resolve("tiny.gguf"));
        Path train = Files.writeString(dir.resolve("train.jsonl"), FineTuningJobsTest.chatData());
        Path data = dir.resolve("data");
        try (FineTuningServer s = new FineTuningServer(data, model, 1 << 20)) {
            JsonNode out = node(Path.of("src", "test", "js", "fine-tuning-sdk.mjs"), modules.toAbsolutePath().toString(),
                    s.base + "/v1", "tiny", train.toString());

            JsonNode trainFile = out.get("train");
            assertThat(trainFile.get("id").asText()).startsWith("file-");
            assertThat(trainFile.get("object").asText()).isEqualTo("file");
            assertThat(trainFile.get("purpose").asText()).isEqualTo("fine-tune");
            assertThat(trainFile.get("filename").asText()).isEqualTo("train.jsonl");
            assertThat(trainFile.get("bytes").asLong()).isEqualTo(Files.size(train));
            assertThat(out.get("valid").get("filename").asText()).isEqualTo("valid.jsonl");
            assertThat(out.get("retrieved")).isEqualTo(trainFile);
            assertThat(out.get("fileIds")).extracting(JsonNode::asText)
                    .containsExactlyInAnyOrder(trainFile.get("id").asText(), out.get("valid").get("id").asText());
            assertThat(out.get("content").asText()).isEqualTo(Files.readString(train));
            // kept as a file under the data directory, byte for byte
            assertThat(Files.readString(data.resolve("files").resolve(trainFile.get("id").asText()))).isEqualTo(Files.readString(train));

            JsonNode created = out.get("created");
            assertThat(created.get("object").asText()).isEqualTo("fine_tuning.job");
            assertThat(created.get("id").asText()).startsWith("ftjob-");
            assertThat(created.get("status").asText()).isIn("queued", "running");
            assertThat(created.get("training_file").asText()).isEqualTo(trainFile.get("id").asText());
            assertThat(created.get("hyperparameters").get("n_epochs").asInt()).isEqualTo(40);
            assertThat(created.get("hyperparameters").get("batch_size").asInt()).isEqualTo(4);
            assertThat(created.get("seed").asLong()).isEqualTo(1);
            assertThat(out.get("cancelled").get("status").asText()).isEqualTo("cancelled");
            assertThat(out.get("cancelledAgain").get("status").asInt()).isEqualTo(400);
            assertThat(out.get("secondAfter").get("status").asText()).isEqualTo("cancelled");
            assertThat(out.get("secondAfter").get("fine_tuned_model").isNull()).isTrue();

            JsonNode done = out.get("done");
            assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("succeeded");
            String ft = done.get("fine_tuned_model").asText();
            assertThat(ft).startsWith("ft:tiny:pairs:").endsWith(done.get("id").asText().substring(done.get("id").asText().length() - 8));
            assertThat(done.get("trained_tokens").asLong()).isPositive();
            assertThat(done.get("finished_at").asLong()).isGreaterThanOrEqualTo(done.get("created_at").asLong());
            assertThat(Files.isRegularFile(data.resolve("adapters").resolve(done.get("id").asText() + ".gguf"))).isTrue();
            // the SDK's auto-pagination (limit 1 per page) walks both jobs, newest first
            assertThat(out.get("jobIds")).extracting(JsonNode::asText).containsExactly(out.get("cancelled").get("id").asText(), done.get("id").asText());

            List<String> messages = new ArrayList<>();
            out.get("events").forEach(e -> messages.add(e.get("message").asText()));
            assertThat(messages).contains("The job has successfully completed", "New fine-tuned model created: " + ft);
            assertThat(messages).anyMatch(m -> m.startsWith("Step 40/40: training loss="));
            assertThat(out.get("events").get(0).get("object").asText()).isEqualTo("fine_tuning.job.event");

            JsonNode checkpoints = out.get("checkpoints");
            assertThat(checkpoints).isNotEmpty();
            JsonNode last = checkpoints.get(0);
            assertThat(last.get("object").asText()).isEqualTo("fine_tuning.job.checkpoint");
            assertThat(last.get("step_number").asInt()).isEqualTo(40);
            assertThat(checkpoints).hasSize(10).allSatisfy(c -> assertThat(c.get("metrics").get("valid_loss").isNumber()).isTrue());
            JsonNode first = checkpoints.get(checkpoints.size() - 1).get("metrics");
            assertThat(first.get("step").asInt()).isEqualTo(4); // every tenth of the 40 steps
            assertThat(last.get("metrics").get("train_loss").asDouble()).isLessThan(first.get("train_loss").asDouble());
            // the validation file holds the training lines: its loss falls with them
            assertThat(last.get("metrics").get("valid_loss").asDouble()).isLessThan(first.get("valid_loss").asDouble());

            assertThat(out.get("modelIds")).extracting(JsonNode::asText).contains("tiny", ft);
            for (String[] pair : FineTuningJobsTest.PAIRS) {
                assertThat(out.get("replies").get(pair[0]).asText().strip()).as("reply to %s", pair[0]).startsWith(pair[1]);
            }
            assertThat(out.get("unknownFile").get("status").asInt()).isEqualTo(404);
            assertThat(out.get("unknownJob").get("status").asInt()).isEqualTo(404);
            assertThat(out.get("badJob").get("status").asInt()).isEqualTo(400);
            assertThat(out.get("badJob").get("param").asText()).isEqualTo("hyperparameters.n_epochs");
            assertThat(out.get("deleted").get("deleted").asBoolean()).isTrue();
            assertThat(out.get("afterDelete").get("status").asInt()).isEqualTo(404);

            // Mistral's SDK validates every answer: its files calls and its model list (fine-tuned card included)
            Path mistral = modules.resolve("@mistralai").resolve("mistralai");
            if (Files.isDirectory(mistral)) {
                JsonNode m = node(Path.of("src", "test", "js", "mistral-files.mjs"), modules.toAbsolutePath().toString(), s.base, train.toString());
                assertThat(m.get("uploaded").get("sizeBytes").asLong()).isEqualTo(Files.size(train));
                assertThat(m.get("uploaded").get("numLines").asInt()).isEqualTo(FineTuningJobsTest.PAIRS.length);
                assertThat(m.get("retrieved").get("deleted").asBoolean()).isFalse();
                assertThat(m.get("listed")).extracting(JsonNode::asText).contains(m.get("uploaded").get("id").asText());
                assertThat(m.get("content").asText()).isEqualTo(Files.readString(train));
                assertThat(m.get("deleted").asBoolean()).isTrue();
                JsonNode ftCard = null;
                for (JsonNode card : m.get("models")) {
                    if (card.get("id").asText().equals(ft)) {
                        ftCard = card;
                    } else {
                        assertThat(card.get("fineTuning").asBoolean()).isTrue();
                    }
                }
                assertThat(ftCard).isNotNull();
                assertThat(ftCard.get("type").asText()).isEqualTo("fine-tuned");
                assertThat(ftCard.get("root").asText()).isEqualTo("tiny");
                assertThat(ftCard.get("job").asText()).isEqualTo(done.get("id").asText());
                assertThat(ftCard.get("fineTuning").asBoolean()).isFalse();
            }
        }
    }
}
