package dev.sirocco.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sirocco.testkit.ModelSpec;
import dev.sirocco.testkit.RandomModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.sirocco.cli.CommandsTest.run;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code sirocco finetune}: chat JSONL in, an adapter that {@code run --lora} and the merged model both apply. */
class FinetuneCommandTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String[][] PAIRS = {{"people", "water"}, {"world", "made"}, {"water", "people"}, {"made", "world"}};

    @TempDir
    Path dir;

    private Path chatData() throws Exception {
        StringBuilder sb = new StringBuilder();
        for (String[] p : PAIRS) {
            sb.append("{\"messages\": [{\"role\": \"user\", \"content\": \"").append(p[0])
                    .append("\"}, {\"role\": \"assistant\", \"content\": \"").append(p[1]).append("\"}]}\n");
        }
        return Files.writeString(dir.resolve("train.jsonl"), sb.toString());
    }

    @Test
    void finetuneLearnsTheChatDataAndTheAdapterAppliesInRun() throws Exception {
        Path model = RandomModels.write(ModelSpec.tinyLlama(), dir.resolve("base.gguf"));
        Path adapter = dir.resolve("adapter.gguf");
        Path merged = dir.resolve("merged.gguf");
        CommandsTest.Result r = run("finetune", "--model", model.toString(), "--data", chatData().toString(), "--out", adapter.toString(),
                "--steps", "40", "--rank", "4", "--alpha", "8", "--lr", "1e-2", "--batch", "4", "--seq-len", "64", "--seed", "1",
                "--threads", "1", "--merge", merged.toString(), "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("step 40/40").contains("loss").contains("tok/s").contains("ETA");
        JsonNode out = JSON.readTree(r.out());
        assertThat(out.get("steps").asInt()).isEqualTo(40);
        assertThat(out.get("tokens_per_s").asDouble()).isPositive();
        assertThat(out.get("final_loss").asDouble()).isLessThan(0.1 * out.get("initial_loss").asDouble());

        for (String[] p : PAIRS) {
            JsonNode gen = JSON.readTree(run("run", "--model", model.toString(), "--lora", adapter.toString(), "--chat",
                    "--prompt", p[0], "--temperature", "0", "--max-tokens", "4", "--json").out());
            assertThat(gen.get("text").asText().strip()).as("reply to %s", p[0]).startsWith(p[1]);
            JsonNode viaMerged = JSON.readTree(run("run", "--model", merged.toString(), "--chat",
                    "--prompt", p[0], "--temperature", "0", "--max-tokens", "4", "--json").out());
            assertThat(viaMerged.get("tokens")).isEqualTo(gen.get("tokens"));
        }
    }

    @Test
    void badTrainingFileIsRejectedWithItsLineNumber() throws Exception {
        Path model = RandomModels.write(ModelSpec.tinyLlama(), dir.resolve("base.gguf"));
        Path data = Files.writeString(dir.resolve("bad.jsonl"),
                "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}, {\"role\": \"assistant\", \"content\": \"yo\"}]}\n"
                        + "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}\n");
        CommandsTest.Result r = run("finetune", "--model", model.toString(), "--data", data.toString(), "--out", dir.resolve("a.gguf").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("bad.jsonl line 2").contains("no assistant message");
        assertThat(dir.resolve("a.gguf")).doesNotExist();

        CommandsTest.Result both = run("finetune", "--model", model.toString(), "--data", data.toString(), "--out", dir.resolve("a.gguf").toString(),
                "--steps", "3", "--epochs", "2");
        assertThat(both.exit()).isEqualTo(2);
        assertThat(both.err()).contains("--steps or --epochs");
    }
}
