package dev.sirocco.train.data;

import dev.sirocco.chat.ChatTemplate;
import dev.sirocco.testkit.ModelSpec;
import dev.sirocco.testkit.RandomModels;
import dev.sirocco.train.model.BaseModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Chat JSONL rendering with the loss on assistant tokens only, and validation errors that name the line. */
class ChatDatasetTest {
    static final String CHATML = "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n{% endfor %}"
            + "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}";

    @TempDir
    static Path dir;
    static BaseModel base;
    static ChatTemplate template;

    @BeforeAll
    static void load() throws Exception {
        base = BaseModel.load(RandomModels.write(ModelSpec.tinyQwen3(), dir.resolve("m.gguf")), 1);
        template = new ChatTemplate(CHATML, "", "");
    }

    @AfterAll
    static void close() {
        base.close();
    }

    private static Path file(String... lines) throws Exception {
        Path f = Files.createTempFile(dir, "data", ".jsonl");
        Files.writeString(f, String.join("\n", lines) + "\n");
        return f;
    }

    private static String trainedText(Example e) {
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < e.tokens().length; i++) {
            if (e.weights()[i] > 0) {
                ids.add(e.tokens()[i]);
            }
        }
        return base.tokenizer().decode(ids.stream().mapToInt(Integer::intValue).toArray(), false, true);
    }

    @Test
    void onlyAssistantTurnsAreTrainedOn() throws Exception {
        Path f = file("{\"messages\": [{\"role\": \"system\", \"content\": \"be brief\"}, {\"role\": \"user\", \"content\": \"capital of France?\"},"
                + " {\"role\": \"assistant\", \"content\": \"Paris\"}, {\"role\": \"user\", \"content\": \"and Italy?\"},"
                + " {\"role\": \"assistant\", \"content\": \"Rome\"}]}");
        List<Example> data = ChatDataset.load(f, template, base.tokenizer());
        assertThat(data).hasSize(1);
        Example e = data.get(0);
        assertThat(base.tokenizer().decode(e.tokens(), false, true)).contains("capital of France?").contains("Paris");
        String trained = trainedText(e);
        assertThat(trained).contains("Paris").contains("Rome").contains("<|im_end|>");
        assertThat(trained).doesNotContain("France").doesNotContain("Italy").doesNotContain("brief").doesNotContain("user");
    }

    @Test
    void assistantTurnsWithWeightZeroAreContextOnlyAndContentPartsAreJoined() throws Exception {
        Path f = file("{\"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"text\", \"text\": \"capital \"}, {\"type\": \"text\", \"text\": \"of France?\"}]},"
                + " {\"role\": \"assistant\", \"content\": \"Lyon\", \"weight\": 0}, {\"role\": \"user\", \"content\": \"no\"},"
                + " {\"role\": \"assistant\", \"content\": \"Paris\", \"weight\": 1}]}");
        Example e = ChatDataset.load(f, template, base.tokenizer()).get(0);
        assertThat(base.tokenizer().decode(e.tokens(), false, true)).contains("capital of France?").contains("Lyon");
        assertThat(trainedText(e)).contains("Paris").doesNotContain("Lyon");
        assertThatThrownBy(() -> ChatDataset.load(file("{\"messages\": [{\"role\": \"user\", \"content\": \"x\"},"
                + " {\"role\": \"assistant\", \"content\": \"y\", \"weight\": 0.5}]}"), template, base.tokenizer()))
                .isInstanceOf(DatasetException.class).hasMessageContaining("line 1").hasMessageContaining("\"weight\" must be 0 or 1");
    }

    @Test
    void toolCallsAndResultsAreAccepted() throws Exception {
        Path f = file("{\"messages\": [{\"role\": \"user\", \"content\": \"weather?\"},"
                + " {\"role\": \"assistant\", \"content\": null, \"tool_calls\": [{\"id\": \"abc123XYZ\", \"type\": \"function\","
                + " \"function\": {\"name\": \"get_weather\", \"arguments\": \"{\\\"city\\\": \\\"Paris\\\"}\"}}]},"
                + " {\"role\": \"tool\", \"tool_call_id\": \"abc123XYZ\", \"name\": \"get_weather\", \"content\": \"sunny\"},"
                + " {\"role\": \"assistant\", \"content\": \"It is sunny.\"}],"
                + " \"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"parameters\": {\"type\": \"object\"}}}]}");
        Example e = ChatDataset.load(f, template, base.tokenizer()).get(0);
        assertThat(trainedText(e)).contains("It is sunny.").doesNotContain("weather?");
    }

    @Test
    void badLinesAreRejectedNamingTheLineAndTheProblem() throws Exception {
        String good = "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}, {\"role\": \"assistant\", \"content\": \"hello\"}]}";
        assertThatThrownBy(() -> ChatDataset.load(file(good, "{not json"), template, base.tokenizer()))
                .isInstanceOf(DatasetException.class).hasMessageContaining("line 2").hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> ChatDataset.load(file(good, good, "{\"messages\": [{\"role\": \"bot\", \"content\": \"x\"}]}"), template, base.tokenizer()))
                .isInstanceOf(DatasetException.class).hasMessageContaining("line 3").hasMessageContaining("message 1 has role \"bot\"");
        assertThatThrownBy(() -> ChatDataset.load(file("{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}"), template, base.tokenizer()))
                .isInstanceOf(DatasetException.class).hasMessageContaining("line 1").hasMessageContaining("no assistant message");
        assertThatThrownBy(() -> ChatDataset.load(file("{\"prompt\": \"x\"}"), template, base.tokenizer()))
                .isInstanceOf(DatasetException.class).hasMessageContaining("line 1").hasMessageContaining("\"messages\"");
        assertThatThrownBy(() -> ChatDataset.load(file("{\"messages\": [{\"role\": \"user\", \"content\": 5}, {\"role\": \"assistant\", \"content\": \"x\"}]}"), template, base.tokenizer()))
                .isInstanceOf(DatasetException.class).hasMessageContaining("non-string \"content\"");
    }

    @Test
    void plainTextIsCutIntoOverlappingWindows() throws Exception {
        Path f = dir.resolve("text.txt");
        Files.writeString(f, "the people of the world made water and the water made the world of the people again and again");
        int[] all = base.tokenizer().encode(Files.readString(f), true, false);
        List<Example> data = TextDataset.load(f, base.tokenizer(), 8);
        assertThat(data.get(0).tokens()).hasSize(9);
        assertThat(data.get(1).tokens()[0]).isEqualTo(data.get(0).tokens()[8]);
        int predicted = data.stream().mapToInt(e -> e.tokens().length - 1).sum();
        assertThat(predicted).isEqualTo(all.length - 1);
    }
}
