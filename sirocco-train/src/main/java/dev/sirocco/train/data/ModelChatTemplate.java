package dev.sirocco.train.data;

import dev.sirocco.chat.ChatTemplate;
import dev.sirocco.engine.gguf.GgufMetadata;
import dev.sirocco.engine.tokenizer.Tokenizer;
import dev.sirocco.engine.tokenizer.Vocabulary;

import java.util.Arrays;

/** The chat template a model is served with: the file's {@code tokenizer.chat_template}, else its family's fallback. */
public final class ModelChatTemplate {
    private ModelChatTemplate() {
    }

    public static ChatTemplate of(GgufMetadata metadata, String architecture, Tokenizer tokenizer) {
        Vocabulary v = tokenizer.vocabulary();
        String bos = text(v, v.bos());
        String eos = text(v, v.eos());
        String source = metadata.getString("tokenizer.chat_template", null);
        boolean llama3 = Arrays.asList(v.tokens()).contains("<|start_header_id|>");
        return source != null ? new ChatTemplate(source, bos, eos) : ChatTemplate.fallbackFor(architecture, llama3, bos, eos);
    }

    static String text(Vocabulary v, int id) {
        return id >= 0 && id < v.tokens().length ? v.tokens()[id] : "";
    }
}
