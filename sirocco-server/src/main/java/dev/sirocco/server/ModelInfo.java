package dev.sirocco.server;

import dev.sirocco.chat.ToolCallFormat;
import dev.sirocco.engine.gguf.GgufFile;
import dev.sirocco.engine.model.ModelConfig;
import dev.sirocco.engine.tokenizer.Tokenizer;
import dev.sirocco.engine.tokenizer.Vocabularies;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/**
 * What a model card says about a model, whether it is loaded or only in the catalog.
 *
 * @param id          the id clients send
 * @param created     the file's modification time, Unix seconds
 * @param contextSize the context the model is (or would be) served with
 * @param fim         whether its vocabulary has fill-in-the-middle tokens
 * @param tools       whether its chat template has a tool-call syntax the server reads (and can enforce)
 */
record ModelInfo(String id, long created, int contextSize, boolean fim, boolean tools) {
    static ModelInfo of(ServedModel m) {
        return new ModelInfo(m.id(), m.created(), m.engine().contextSize(), m.hasFim(), m.toolFormat() != null);
    }

    /** Reads a model that is not loaded: its metadata and vocabulary only, never its weights. */
    static ModelInfo of(ModelSource s) {
        try (GgufFile file = GgufFile.open(s.file())) {
            ModelConfig c = ModelConfig.from(file.metadata());
            var special = Tokenizer.create(Vocabularies.fromMetadata(file.metadata())).specialTokens();
            boolean fim = special.fimPre() >= 0 && special.fimSuf() >= 0 && special.fimMid() >= 0;
            long created = Files.getLastModifiedTime(s.file()).toMillis() / 1000;
            String template = file.metadata().has("tokenizer.chat_template")
                    ? String.valueOf(file.metadata().get("tokenizer.chat_template")) : null;
            return new ModelInfo(s.id(), created, ModelRegistry.contextSize(s, c), fim, ToolCallFormat.detect(template) != null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
