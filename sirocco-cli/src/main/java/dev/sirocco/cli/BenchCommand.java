package dev.sirocco.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sirocco.engine.gguf.GgufTensorInfo;
import dev.sirocco.engine.runtime.Engine;
import dev.sirocco.engine.runtime.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

/**
 * {@code sirocco bench}: prompt processing and decode speed as llama-bench measures them — a prompt of
 * random tokens evaluated in batches, then tokens generated one at a time — reported as medians.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Measure prompt processing and generation speed.")
final class BenchCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Option(names = "--prompt-tokens", paramLabel = "N", defaultValue = "512", description = "Prompt length (default 512).")
    int promptTokens;

    @Option(names = "--gen-tokens", paramLabel = "N", defaultValue = "128", description = "Tokens to generate after the prompt (default 128).")
    int genTokens;

    @Option(names = "--repeat", paramLabel = "N", defaultValue = "3", description = "Repetitions; medians are reported (default 3).")
    int repeat;

    @Option(names = "--json", description = "Print the results as JSON.")
    boolean json;

    @Option(names = "--no-warmup", description = "Measure from the first run (by default one unmeasured run of the prompt and a few tokens comes first, as llama-bench's warm-up).")
    boolean noWarmup;

    /** Decode steps of the warm-up run: enough calls for the JIT to compile the one-token kernels. */
    private static final int WARMUP_GEN_TOKENS = 16;

    @Override
    public Integer call() throws Exception {
        if (promptTokens < 1 || genTokens < 1 || repeat < 1) {
            throw new BadInputException("--prompt-tokens, --gen-tokens and --repeat must be at least 1");
        }
        if (model.engine.contextSize == 0) {
            model.engine.contextSize = promptTokens + genTokens;
        }
        long loadStart = System.nanoTime();
        try (Engine engine = model.load()) {
            double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
            Session session = engine.newSession();
            SplittableRandom random = new SplittableRandom(42);
            int vocab = engine.vocabSize();
            if (!noWarmup) {
                // As llama-bench, which evaluates the prompt and a token once before measuring; here it also lets the
                // JIT compile the kernels, which run many times slower until it has (the first prompt of a cold JVM).
                session.evaluate(random.ints(promptTokens, 0, vocab).toArray());
                for (int i = 0; i < Math.min(WARMUP_GEN_TOKENS, genTokens) && session.position() < session.contextSize(); i++) {
                    session.evaluate(0);
                }
            }
            double[] pp = new double[repeat];
            double[] tg = new double[repeat];
            double[] ttft = new double[repeat];
            for (int r = 0; r < repeat; r++) {
                int[] prompt = random.ints(promptTokens, 0, vocab).toArray();
                session.reset();
                long t0 = System.nanoTime();
                float[] logits = session.evaluate(prompt);
                int next = argmax(logits);
                long t1 = System.nanoTime();
                ttft[r] = (t1 - t0) / 1e9;
                pp[r] = promptTokens / ((t1 - t0) / 1e9);
                long g0 = System.nanoTime();
                for (int i = 0; i < genTokens; i++) {
                    logits = session.evaluate(next);
                    next = argmax(logits);
                }
                tg[r] = genTokens / ((System.nanoTime() - g0) / 1e9);
                if (!json) {
                    System.err.printf("run %d: pp %.2f tokens/s, tg %.2f tokens/s%n", r + 1, pp[r], tg[r]);
                }
            }
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("model", model.model);
            result.put("threads", engine.options().threads());
            result.put("prompt_tokens", promptTokens);
            result.put("gen_tokens", genTokens);
            result.put("prompt_tokens_per_s", median(pp));
            result.put("gen_tokens_per_s", median(tg));
            result.put("time_to_first_token_s", median(ttft));
            result.put("load_s", loadSeconds);
            result.put("peak_rss_bytes", peakRssBytes());
            result.put("weight_bytes_per_token", weightBytesPerToken(engine));
            if (json) {
                System.out.println(new ObjectMapper().writeValueAsString(result));
            } else {
                result.forEach((k, v) -> System.out.println(k + ": " + v));
            }
        }
        return Main.EXIT_OK;
    }

    /**
     * Bytes of weights one decode step reads: every matrix once, except the token embedding, of which only
     * a row is read (unless it doubles as the output matrix); experts in the share a token routes to.
     * Divided into the machine's memory bandwidth, this is the decode speed's upper bound.
     */
    static long weightBytesPerToken(Engine engine) {
        boolean tied = !engine.file().hasTensor("output.weight");
        int experts = engine.config().experts();
        int used = engine.config().expertsUsed();
        long bytes = 0;
        for (GgufTensorInfo t : engine.file().tensorInfos()) {
            if (t.name().equals("token_embd.weight")) {
                bytes += tied ? t.byteSize() : t.byteSize() / Math.max(1, t.shape()[1]);
            } else if (t.name().contains("_exps.") && experts > 0) {
                bytes += t.byteSize() / experts * used;
            } else {
                bytes += t.byteSize();
            }
        }
        return bytes;
    }

    private static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    private static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** VmHWM from /proc/self/status (Linux); -1 elsewhere. */
    private static long peakRssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
