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
                "--threads", "1", "--merge", merged.toString(), "--validation", chatData().toString(), "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("step 40/40").contains("loss").contains("tok/s").contains("ETA");
        JsonNode out = JSON.readTree(r.out());
        assertThat(out.get("steps").asInt()).isEqualTo(40);
        assertThat(out.get("tokens_per_s").asDouble()).isPositive();
        assertThat(out.get("final_loss").asDouble()).isLessThan(0.1 * out.get("initial_loss").asDouble());
        // validated on the training conversations themselves: the trained adapter's loss there is as low as training's
        assertThat(out.get("validation_loss").asDouble()).isLessThan(0.1 * out.get("initial_loss").asDouble());

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

    @Test
    void trainPretrainsAModelThatRunLoads() throws Exception {
        Path vocab = RandomModels.write(ModelSpec.tinyLlama(), dir.resolve("vocab.gguf"));
        Path text = Files.writeString(dir.resolve("text.txt"), "the people of the world made water and the water made the world");
        Path out = dir.resolve("new.gguf");
        CommandsTest.Result r = run("train", "--tokenizer-from", vocab.toString(), "--data", text.toString(), "--out", out.toString(),
                "--dim", "32", "--layers", "2", "--heads", "4", "--kv-heads", "2", "--ffn", "64", "--ctx", "64",
                "--steps", "60", "--lr", "1e-2", "--batch", "1", "--seq-len", "32", "--weight-decay", "0", "--threads", "1", "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode node = JSON.readTree(r.out());
        assertThat(node.get("final_loss").asDouble()).isLessThan(0.2 * node.get("initial_loss").asDouble());
        assertThat(node.get("parameters").asLong()).isPositive();
        assertThat(dir.resolve("new.gguf.init.gguf")).doesNotExist();
        JsonNode gen = JSON.readTree(run("run", "--model", out.toString(), "--prompt", "the people of", "--temperature", "0",
                "--max-tokens", "3", "--ignore-eos", "--json").out());
        assertThat(gen.get("text").asText()).startsWith(" the world made");
    }
}
