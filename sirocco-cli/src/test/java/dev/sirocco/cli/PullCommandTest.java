package dev.sirocco.cli;

import dev.sirocco.testkit.ModelSpec;
import dev.sirocco.testkit.RandomModels;
import dev.sirocco.testkit.TinyHub;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.sirocco.cli.CommandsTest.run;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code sirocco pull} end to end against a minimal local hub, then the pulled id used as --model. */
class PullCommandTest {
    @TempDir
    Path tmp;

    @Test
    void pulledModelLandsInTheStoreAndRunsByIdAndUnknownRepoExitsTwo() throws Exception {
        byte[] gguf = Files.readAllBytes(RandomModels.write(ModelSpec.tinyLlama(), tmp.resolve("m.gguf")));
        try (TinyHub hub = new TinyHub("acme/Tiny-GGUF", "tiny-Q4_K_M.gguf", gguf)) {
            String endpoint = hub.endpoint().toString();
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
        }
    }
}
