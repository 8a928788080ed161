package dev.sirocco.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sirocco.engine.runtime.Engine;
import dev.sirocco.engine.runtime.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code sirocco perplexity}: perplexity over a text as llama.cpp's {@code llama-perplexity} computes it —
 * the text is cut into chunks of {@code --ctx} tokens, each chunk starts with BOS when the model adds one,
 * and only the second half of each chunk is scored (so every scored token has at least ctx/2 of context).
 */
@Command(name = "perplexity", mixinStandardHelpOptions = true, description = "Perplexity of the model over a text file.")
final class PerplexityCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Option(names = "--file", required = true, paramLabel = "TEXT", description = "UTF-8 text file to score.")
    String file;

    @Option(names = "--json", description = "Print {\"perplexity\", \"chunks\", \"tokens_scored\"} as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Path path = Path.of(file);
        if (!Files.isRegularFile(path)) {
            throw new BadInputException("text file not found: " + file);
        }
        String text = Files.readString(path, StandardCharsets.UTF_8);
        int ctx = model.engine.contextSize > 0 ? model.engine.contextSize : 512;
        model.engine.contextSize = ctx;
        try (Engine engine = model.load()) {
            int[] tokens = engine.tokenizer().encode(text, true, false);
            int chunks = tokens.length / ctx;
            if (chunks == 0) {
                throw new BadInputException("the text has " + tokens.length + " tokens; perplexity with --ctx " + ctx
                        + " needs at least " + ctx + " (use a longer text or a smaller --ctx)");
            }
            int bos = engine.tokenizer().vocabulary().bos();
            boolean addBos = tokens.length > 0 && bos >= 0 && tokens[0] == bos;
            int vocab = engine.vocabSize();
            Session session = engine.newSession();
            double nll = 0;
            long scored = 0;
            int first = ctx / 2;
            for (int c = 0; c < chunks; c++) {
                int[] chunk = java.util.Arrays.copyOfRange(tokens, c * ctx, (c + 1) * ctx);
                if (addBos) {
                    chunk[0] = bos;
                }
                session.reset();
                float[] logits = session.evaluateAll(chunk);
                for (int i = first; i < ctx - 1; i++) {
                    nll -= logProb(logits, i * vocab, vocab, tokens[c * ctx + i + 1]);
                    scored++;
                }
                if (!json) {
                    System.err.printf("[%d] %.4f%n", c + 1, Math.exp(nll / scored));
                }
            }
            double ppl = Math.exp(nll / scored);
            if (json) {
                System.out.println(new ObjectMapper().writeValueAsString(
                        Map.of("perplexity", ppl, "chunks", chunks, "tokens_scored", scored)));
            } else {
                System.out.printf("perplexity: %.4f over %d chunks of %d tokens%n", ppl, chunks, ctx);
            }
        }
        return Main.EXIT_OK;
    }

    /** log softmax(logits)[token], computed in double. */
    private static double logProb(float[] logits, int off, int n, int token) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, logits[off + i]);
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += Math.exp(logits[off + i] - max);
        }
        return logits[off + token] - max - Math.log(sum);
    }
}
