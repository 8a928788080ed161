package dev.sirocco.testkit.engine;

import dev.sirocco.engine.model.KvCache;
import dev.sirocco.engine.runtime.Engine;
import dev.sirocco.engine.runtime.EngineOptions;
import dev.sirocco.engine.runtime.GenerationRequest;
import dev.sirocco.engine.runtime.GenerationResult;
import dev.sirocco.engine.runtime.Generator;
import dev.sirocco.engine.runtime.QueueFullException;
import dev.sirocco.engine.runtime.Scheduler;
import dev.sirocco.engine.runtime.TokenListener;
import dev.sirocco.engine.runtime.sampling.SamplingParams;
import dev.sirocco.engine.tensor.GgmlType;
import dev.sirocco.testkit.ModelSpec;
import dev.sirocco.testkit.RandomModels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Continuous batching on a real (random-weight) model: same output as alone, cancellation, a bounded queue. */
@Timeout(120)
class SchedulerTest {
    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void writeModel() {
        model = RandomModels.write(ModelSpec.tinyLlama().toBuilder().weightType(GgmlType.Q8_0).build(), dir.resolve("tiny-q8.gguf"));
    }

    /** Batch size 8, so the longer prompts take several chunks and interleave with other sequences' decoding. */
    static Engine load() throws Exception {
        return Engine.load(model, EngineOptions.defaults().withThreads(1).withBatchSize(8).withKvType(KvCache.Type.F32));
    }

    static int[] prompt(Engine engine, int i) {
        String text = "sequence " + i + " " + "the people of the world ".repeat(1 + 2 * i);
        return engine.tokenizer().encode(text, true, false);
    }

    static GenerationRequest greedy(int max) {
        return new GenerationRequest(max, SamplingParams.greedy(), List.of(), true);
    }

    @Test
    void greedyOutputIsTheSameAloneAndInsideABatch() throws Exception {
        try (Engine engine = load()) {
            List<GenerationResult> alone = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                alone.add(Generator.generate(engine.newSession(), engine.tokenizer(), prompt(engine, i), greedy(12), TokenListener.NONE));
            }
            try (Scheduler scheduler = new Scheduler(engine, 3, 8)) {
                List<Scheduler.Ticket> tickets = new ArrayList<>();
                List<StringBuilder> streamed = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    StringBuilder sb = new StringBuilder();
                    streamed.add(sb);
                    tickets.add(scheduler.submit(prompt(engine, i), greedy(12), (id, piece) -> sb.append(piece)));
                }
                for (int i = 0; i < 5; i++) {
                    GenerationResult r = tickets.get(i).result().get(60, TimeUnit.SECONDS);
                    assertThat(r.tokens()).as("sequence %d", i).containsExactly(alone.get(i).tokens());
                    assertThat(r.text()).isEqualTo(alone.get(i).text()).isEqualTo(streamed.get(i).toString());
                    assertThat(r.finishReason()).isEqualTo(GenerationResult.FinishReason.LENGTH);
                    assertThat(r.promptTokens()).isEqualTo(prompt(engine, i).length);
                }
                assertThat(scheduler.activeSequences()).isZero();
                assertThat(scheduler.queueDepth()).isZero();
            }
        }
    }

    @Test
    void aCancelledRequestFreesItsSlotForTheNext() throws Exception {
        try (Engine engine = load(); Scheduler scheduler = new Scheduler(engine, 1, 4)) {
            CountDownLatch started = new CountDownLatch(1);
            Scheduler.Ticket longOne = scheduler.submit(prompt(engine, 0), greedy(100_000), (id, piece) -> started.countDown());
            Scheduler.Ticket next = scheduler.submit(prompt(engine, 1), greedy(4), TokenListener.NONE);
            assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
            longOne.cancel();
            assertThatThrownBy(() -> longOne.result().get(30, TimeUnit.SECONDS)).isInstanceOf(CancellationException.class);
            assertThat(next.result().get(30, TimeUnit.SECONDS).tokens()).hasSize(4);
        }
    }

    @Test
    void aFullQueueRefusesAtOnce() throws Exception {
        try (Engine engine = load(); Scheduler scheduler = new Scheduler(engine, 1, 1)) {
            Scheduler.Ticket a = scheduler.submit(prompt(engine, 0), greedy(100_000), TokenListener.NONE);
            Scheduler.Ticket b = scheduler.submit(prompt(engine, 1), greedy(2), TokenListener.NONE);
            assertThatThrownBy(() -> scheduler.submit(prompt(engine, 2), greedy(2), TokenListener.NONE))
                    .isInstanceOf(QueueFullException.class).hasMessageContaining("queue of 1");
            a.cancel();
            assertThat(b.result().get(30, TimeUnit.SECONDS).tokens()).hasSize(2);
        }
    }

    @Test
    void aFailingListenerEndsOnlyItsOwnRequest() throws Exception {
        try (Engine engine = load(); Scheduler scheduler = new Scheduler(engine, 2, 2)) {
            Scheduler.Ticket broken = scheduler.submit(prompt(engine, 0), greedy(8), (id, piece) -> {
                throw new IllegalStateException("client went away");
            });
            Scheduler.Ticket fine = scheduler.submit(prompt(engine, 1), greedy(8), TokenListener.NONE);
            assertThatThrownBy(() -> broken.result().get(30, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(IllegalStateException.class).hasMessageContaining("client went away");
            assertThat(fine.result().get(30, TimeUnit.SECONDS).tokens()).hasSize(8);
        }
    }

    @Test
    void aPromptThatStartsLikeAFinishedOneContinuesFromItsCache() throws Exception {
        try (Engine engine = load(); Scheduler scheduler = new Scheduler(engine, 1, 4)) {
            String system = "you are a helpful assistant who answers in short sentences about the people of the world. ";
            int[] first = engine.tokenizer().encode(system + "hello", true, false);
            int[] second = engine.tokenizer().encode(system + "goodbye and thanks", true, false);
            int shared = 0;
            while (first[shared] == second[shared]) {
                shared++;
            }
            assertThat(shared).isGreaterThan(10);
            scheduler.submit(first, greedy(3), TokenListener.NONE).result().get(30, TimeUnit.SECONDS);
            long before = scheduler.reusedPromptTokens();
            GenerationResult r = scheduler.submit(second, greedy(6), TokenListener.NONE).result().get(30, TimeUnit.SECONDS);
            assertThat(scheduler.reusedPromptTokens() - before).isEqualTo(shared);
            GenerationResult alone = Generator.generate(engine.newSession(), engine.tokenizer(), second, greedy(6), TokenListener.NONE);
            assertThat(r.tokens()).containsExactly(alone.tokens());
            assertThat(r.promptTokens()).isEqualTo(second.length);
        }
    }
}
