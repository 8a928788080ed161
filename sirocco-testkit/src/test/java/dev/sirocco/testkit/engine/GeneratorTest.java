package dev.sirocco.testkit.engine;

import dev.sirocco.engine.model.KvCache;
import dev.sirocco.engine.runtime.Engine;
import dev.sirocco.engine.runtime.EngineOptions;
import dev.sirocco.engine.runtime.GenerationRequest;
import dev.sirocco.engine.runtime.GenerationResult;
import dev.sirocco.engine.runtime.Generator;
import dev.sirocco.engine.runtime.TokenListener;
import dev.sirocco.engine.runtime.TokenLogprob;
import dev.sirocco.engine.runtime.sampling.SamplingParams;
import dev.sirocco.testkit.ModelSpec;
import dev.sirocco.testkit.RandomModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The generation loop on a real (random-weight) model: limits, stop strings, streaming = final text. */
class GeneratorTest {
    @TempDir
    static Path dir;

    private static GenerationResult greedy(Engine engine, int max, List<String> stop, StringBuilder streamed) {
        int[] prompt = engine.tokenizer().encode("the people of the world", true, false);
        GenerationRequest req = new GenerationRequest(max, SamplingParams.greedy(), stop, true);
        return Generator.generate(engine.newSession(), engine.tokenizer(), prompt, req, (id, piece) -> streamed.append(piece));
    }

    @Test
    void stopStringCutsTheTextBeforeItAndStreamedTextEqualsTheResult() throws Exception {
        Path file = RandomModels.write(ModelSpec.tinyLlama(), dir.resolve("tiny.gguf"));
        try (Engine engine = Engine.load(file, EngineOptions.defaults().withThreads(1).withKvType(KvCache.Type.F32))) {
            StringBuilder streamed = new StringBuilder();
            GenerationResult full = greedy(engine, 24, List.of(), streamed);
            assertThat(full.tokens()).hasSize(24);
            assertThat(full.finishReason()).isEqualTo(GenerationResult.FinishReason.LENGTH);
            assertThat(streamed.toString()).isEqualTo(full.text());

            // a stop string taken from the middle of the greedy text: same prefix, cut just before it
            String text = full.text();
            assertThat(text.length()).isGreaterThan(6);
            int at = text.length() / 2;
            String stop = text.substring(at, at + 3);
            int first = text.indexOf(stop);
            StringBuilder streamedStop = new StringBuilder();
            GenerationResult cut = greedy(engine, 24, List.of(stop), streamedStop);
            assertThat(cut.finishReason()).isEqualTo(GenerationResult.FinishReason.STOP);
            assertThat(cut.text()).isEqualTo(text.substring(0, first));
            assertThat(streamedStop.toString()).isEqualTo(cut.text());
            assertThat(cut.tokens().length).isLessThan(24);
        }
    }

    @Test
    void zeroMaxTokensEvaluatesThePromptOnly() throws Exception {
        Path file = RandomModels.write(ModelSpec.tinyLlama(), dir.resolve("tiny0.gguf"));
        try (Engine engine = Engine.load(file, EngineOptions.defaults().withThreads(1))) {
            GenerationResult r = greedy(engine, 0, List.of(), new StringBuilder());
            assertThat(r.tokens()).isEmpty();
            assertThat(r.text()).isEmpty();
            assertThat(r.promptTokens()).isGreaterThan(1);
        }
    }

    @Test
    void logprobsFollowEachGreedyTokenWithoutChangingTheOutput() throws Exception {
        Path file = RandomModels.write(ModelSpec.tinyLlama(), dir.resolve("tinylp.gguf"));
        try (Engine engine = Engine.load(file, EngineOptions.defaults().withThreads(1).withKvType(KvCache.Type.F32))) {
            int[] prompt = engine.tokenizer().encode("the people of the world", true, false);
            GenerationResult plain = Generator.generate(engine.newSession(), engine.tokenizer(), prompt,
                    new GenerationRequest(8, SamplingParams.greedy(), List.of(), true), TokenListener.NONE);
            List<TokenLogprob> streamed = new java.util.ArrayList<>();
            GenerationResult withLp = Generator.generate(engine.newSession(), engine.tokenizer(), prompt,
                    new GenerationRequest(8, SamplingParams.greedy(), List.of(), true, 3), new TokenListener() {
                        @Override
                        public void onToken(int token, String text) {
                        }

                        @Override
                        public void onToken(int token, String text, TokenLogprob logprob) {
                            if (token >= 0) { // -1: text the decoder still held at the end, no token of its own
                                streamed.add(logprob);
                            }
                        }
                    });
            assertThat(withLp.tokens()).containsExactly(plain.tokens());
            assertThat(withLp.logprobs()).hasSize(8).isEqualTo(streamed);
            assertThat(plain.logprobs()).isEmpty();
            for (int i = 0; i < 8; i++) {
                TokenLogprob lp = withLp.logprobs().get(i);
                assertThat(lp.token()).isEqualTo(withLp.tokens()[i]);
                // greedy takes the most likely token, so it heads the alternatives
                assertThat(lp.topTokens()).hasSize(3).startsWith(lp.token());
                assertThat(lp.logprob()).isEqualTo(lp.topLogprobs()[0]).isNegative();
                assertThat(lp.topLogprobs()[1]).isLessThanOrEqualTo(lp.topLogprobs()[0]);
            }
        }
    }
}
