package dev.sirocco.train.data;

import dev.sirocco.train.model.BaseModel;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Reads a training file in the format its flag or name says: chat JSONL ({@code .jsonl} or "chat") or plain text. */
public final class TrainingData {
    private TrainingData() {
    }

    /**
     * @param format "chat", "text", or null to decide by the file name ({@code .jsonl}: chat)
     * @param seqLen the window of plain text
     */
    public static List<Example> load(Path file, String format, BaseModel model, int seqLen) throws IOException {
        boolean chat;
        if (format == null) {
            chat = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".jsonl");
        } else {
            chat = switch (format.toLowerCase(Locale.ROOT)) {
                case "chat" -> true;
                case "text" -> false;
                default -> throw new IllegalArgumentException("--format " + format + " is not supported; use chat or text");
            };
        }
        return chat
                ? ChatDataset.load(file, ModelChatTemplate.of(model.file().metadata(), model.config().architecture().ggufName(),
                        model.tokenizer()), model.tokenizer())
                : TextDataset.load(file, model.tokenizer(), seqLen);
    }
}
