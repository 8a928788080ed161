package dev.sirocco.cli;

import dev.sirocco.chat.ChatMessage;
import dev.sirocco.chat.ChatTemplate;
import dev.sirocco.engine.runtime.Engine;
import dev.sirocco.engine.tokenizer.Vocabulary;

import java.util.List;

/** Renders a conversation (or a single user turn) with the model's own chat template (or its family's fallback). */
final class ChatPrompt {
    private ChatPrompt() {
    }

    static String userTurn(Engine engine, String prompt) {
        return conversation(engine, List.of(ChatMessage.of("user", prompt)));
    }

    /** The whole conversation so far, ending with the prompt for the assistant's next turn. */
    static String conversation(Engine engine, List<ChatMessage> messages) {
        return template(engine).render(messages, true);
    }

    static boolean startsWithBos(Engine engine, String text) {
        String bos = tokenText(engine, engine.tokenizer().vocabulary().bos());
        return !bos.isEmpty() && text.startsWith(bos);
    }

    private static ChatTemplate template(Engine engine) {
        Vocabulary v = engine.tokenizer().vocabulary();
        String bos = tokenText(engine, v.bos());
        String eos = tokenText(engine, v.eos());
        String source = engine.file().metadata().getString("tokenizer.chat_template", null);
        return source != null ? new ChatTemplate(source, bos, eos)
                : ChatTemplate.fallbackFor(engine.config().architecture().ggufName(), hasLlama3Headers(v), bos, eos);
    }

    /** Llama 3 vocabularies carry the header tokens its chat format is built from. */
    private static boolean hasLlama3Headers(Vocabulary v) {
        return java.util.Arrays.asList(v.tokens()).contains("<|start_header_id|>");
    }

    private static String tokenText(Engine engine, int id) {
        String[] tokens = engine.tokenizer().vocabulary().tokens();
        return id >= 0 && id < tokens.length ? tokens[id] : "";
    }
}
