package dev.sirocco.server;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.models.Model;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * OpenAI's official Java SDK ({@code com.openai:openai-java}) against the real server: every answer must pass the
 * SDK's own parsing and validation ({@code validate()} checks every required field and type).
 */
class OpenAiJavaSdkTest {
    @TempDir
    static Path dir;
    static TestServer server;
    static OpenAIClient client;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(dir);
        client = OpenAIOkHttpClient.builder()
                .baseUrl(server.base + "/v1")
                .apiKey("not-needed-on-loopback")
                .maxRetries(0)
                .timeout(Duration.ofSeconds(60))
                .build();
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
    }

    private static ChatCompletionCreateParams chat(String text) {
        return ChatCompletionCreateParams.builder()
                .model("tiny")
                .addSystemMessage("You are terse.")
                .addUserMessage(text)
                .maxCompletionTokens(6)
                .temperature(0.0)
                .seed(7)
                .build();
    }

    @Test
    void modelsAreListedAndRetrieved() {
        List<String> ids = client.models().list().data().stream().map(m -> m.validate().id()).toList();
        assertThat(ids).containsExactly("tiny", "small");
        Model tiny = client.models().retrieve("tiny").validate();
        assertThat(tiny.ownedBy()).isNotBlank();
    }

    @Test
    void aChatCompletionValidatesAndCountsItsTokens() {
        ChatCompletion c = client.chat().completions().create(chat("Name a colour.")).validate();
        assertThat(c.model()).isEqualTo("tiny");
        assertThat(c.choices()).hasSize(1);
        assertThat(c.choices().getFirst().message().content()).isPresent();
        assertThat(c.choices().getFirst().finishReason().asString()).isIn("stop", "length");
        assertThat(c.usage()).hasValueSatisfying(u -> {
            assertThat(u.completionTokens()).isBetween(1L, 6L);
            assertThat(u.totalTokens()).isEqualTo(u.promptTokens() + u.completionTokens());
        });
    }

    @Test
    void aStreamedChatEqualsTheWholeOne() {
        String whole = client.chat().completions().create(chat("Count to three.")).choices().getFirst().message().content().orElseThrow();
        StringBuilder streamed = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(chat("Count to three."))) {
            stream.stream().forEach(chunk -> {
                chunk.validate();
                chunk.choices().forEach(choice -> choice.delta().content().ifPresent(streamed::append));
            });
        }
        assertThat(streamed.toString()).isEqualTo(whole);
    }

    @Test
    void aLegacyCompletionValidates() {
        Completion c = client.completions().create(CompletionCreateParams.builder()
                .model("tiny").prompt("Once upon a time").maxTokens(4).temperature(0.0).build()).validate();
        assertThat(c.choices()).hasSize(1);
        assertThat(c.choices().getFirst().text()).isNotNull();
    }

    @Test
    void embeddingsComeBackInBothEncodings() {
        CreateEmbeddingResponse floats = client.embeddings().create(EmbeddingCreateParams.builder()
                .model("tiny").input("hello world").encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT).build()).validate();
        CreateEmbeddingResponse base64 = client.embeddings().create(EmbeddingCreateParams.builder()
                .model("tiny").input("hello world").encodingFormat(EmbeddingCreateParams.EncodingFormat.BASE64).build()).validate();
        List<Float> a = floats.data().getFirst().embedding();
        List<Float> b = base64.data().getFirst().embedding(); // the SDK decodes base64 itself
        assertThat(a).isNotEmpty().isEqualTo(b);
    }

    @Test
    void errorsArriveAsTheSdksTypedExceptions() {
        assertThatThrownBy(() -> client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("no-such-model").addUserMessage("hi").build()))
                .isInstanceOfSatisfying(NotFoundException.class, e -> assertThat(e.statusCode()).isEqualTo(404));
        assertThatThrownBy(() -> client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("tiny").addUserMessage("hi").temperature(-1.0).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.getMessage()).contains("temperature"));
    }
}
