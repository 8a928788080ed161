package dev.sirocco.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sirocco.models.store.ModelStore;
import dev.sirocco.testkit.ModelSpec;
import dev.sirocco.testkit.RandomModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static dev.sirocco.cli.CommandsTest.run;
import static org.assertj.core.api.Assertions.assertThat;

/** list / show / rm, and --model given a store id. */
class StoreCommandsTest {
    @TempDir
    Path tmp;

    @Test
    void storedModelIsListedShownUsableByIdAndRemoved() throws Exception {
        Path data = tmp.resolve("data");
        new ModelStore(data).add("tiny:f32", RandomModels.write(ModelSpec.tinyLlama(), tmp.resolve("t.gguf")),
                "hf:someone/tiny/tiny.gguf@main", "cd".repeat(32));

        CommandsTest.Result list = run("list", "--json", "--data-dir", data.toString());
        assertThat(list.exit()).isZero();
        JsonNode models = new ObjectMapper().readTree(list.out());
        assertThat(models).hasSize(1);
        assertThat(models.get(0).get("id").asText()).isEqualTo("tiny:f32");
        assertThat(models.get(0).get("architecture").asText()).isEqualTo("llama");

        CommandsTest.Result text = run("list", "--data-dir", data.toString());
        assertThat(text.out()).contains("tiny:f32").contains("hf:someone/tiny/tiny.gguf@main");

        CommandsTest.Result show = run("show", "tiny:f32", "--json", "--data-dir", data.toString());
        assertThat(show.exit()).isZero();
        assertThat(new ObjectMapper().readTree(show.out()).get("sha256").asText()).isEqualTo("cd".repeat(32));

        CommandsTest.Result logits = run("logits", "--model", "tiny:f32", "--data-dir", data.toString(), "--tokens", "1,5");
        assertThat(logits.exit()).as(logits.err()).isZero();
        assertThat(new ObjectMapper().readTree(logits.out()).get("n_vocab").asInt()).isPositive();

        CommandsTest.Result rm = run("rm", "tiny:f32", "--data-dir", data.toString());
        assertThat(rm.exit()).isZero();
        assertThat(run("list", "--json", "--data-dir", data.toString()).out().trim()).isEqualTo("[ ]");
    }

    @Test
    void unknownIdExitsWithTwoAndSuggestsCloseIds() throws Exception {
        Path data = tmp.resolve("data");
        new ModelStore(data).add("tiny:f32", RandomModels.write(ModelSpec.tinyLlama(), tmp.resolve("t.gguf")), "local", "00");

        CommandsTest.Result r = run("logits", "--model", "tiny:q8_0", "--data-dir", data.toString(), "--tokens", "1");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).startsWith("sirocco: model not found: tiny:q8_0").endsWith("did you mean tiny:f32?");
        assertThat(r.err().strip().lines()).hasSize(1);

        assertThat(run("rm", "nothing:q4_0", "--data-dir", data.toString()).exit()).isEqualTo(2);
        assertThat(run("show", "nothing:q4_0", "--data-dir", data.toString()).exit()).isEqualTo(2);
    }
}
