package dev.sirocco.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sirocco.engine.runtime.Engine;
import dev.sirocco.engine.runtime.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.OutputStream;
import java.util.concurrent.Callable;

/** {@code sirocco logits}: the logits after a token sequence, as JSON. */
@Command(name = "logits", mixinStandardHelpOptions = true, description = "Print the logits after a token sequence as JSON.")
final class LogitsCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Option(names = "--tokens", required = true, paramLabel = "1,2,3", description = "Comma-separated token ids.")
    String tokens;

    @Option(names = "--all", description = "Print the logits of every position, not only the last.")
    boolean all;

    @Override
    public Integer call() throws Exception {
        int[] ids = TokenList.parse(tokens, "--tokens");
        try (Engine engine = model.load()) {
            int vocab = engine.vocabSize();
            for (int i = 0; i < ids.length; i++) {
                if (ids[i] < 0 || ids[i] >= vocab) {
                    throw new BadInputException("--tokens: item " + (i + 1) + " is " + ids[i] + ", outside the vocabulary 0.." + (vocab - 1));
                }
            }
            Session session = engine.newSession();
            float[] logits = all ? session.evaluateAll(ids) : session.evaluate(ids);
            OutputStream out = System.out;
            try (JsonGenerator g = new ObjectMapper().getFactory().createGenerator(out)) {
                g.writeStartObject();
                g.writeNumberField("n_vocab", vocab);
                g.writeFieldName("logits");
                if (all) {
                    g.writeStartArray();
                    for (int t = 0; t < ids.length; t++) {
                        writeRow(g, logits, t * vocab, vocab);
                    }
                    g.writeEndArray();
                } else {
                    writeRow(g, logits, 0, vocab);
                }
                g.writeEndObject();
            }
            System.out.println();
        }
        return Main.EXIT_OK;
    }

    /** Floats written as floats (shortest repr), not widened to long doubles. */
    private static void writeRow(JsonGenerator g, float[] logits, int off, int n) throws java.io.IOException {
        g.writeStartArray();
        for (int i = 0; i < n; i++) {
            g.writeNumber(logits[off + i]);
        }
        g.writeEndArray();
    }
}
