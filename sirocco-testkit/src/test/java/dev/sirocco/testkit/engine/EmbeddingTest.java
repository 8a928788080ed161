package dev.sirocco.testkit.engine;

import dev.sirocco.engine.gguf.GgufFile;
import dev.sirocco.engine.model.KvCache;
import dev.sirocco.engine.runtime.Engine;
import dev.sirocco.engine.runtime.EngineOptions;
import dev.sirocco.engine.runtime.Scheduler;
import dev.sirocco.engine.runtime.Session;
import dev.sirocco.engine.tensor.GgmlType;
import dev.sirocco.engine.tensor.Tensor;
import dev.sirocco.engine.tensor.quant.Dequantizer;
import dev.sirocco.testkit.ModelSpec;
import dev.sirocco.testkit.RandomModels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Embeddings are the final hidden states (the vectors the output matrix turns into logits), pooled and unit length. */
class EmbeddingTest {
    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void writeModel() {
        model = RandomModels.write(ModelSpec.tinyLlama().toBuilder().weightType(GgmlType.F32).build(), dir.resolve("tiny-f32.gguf"));
    }

    static Engine load(int batch) throws Exception {
        return Engine.load(model, EngineOptions.defaults().withThreads(1).withBatchSize(batch).withKvType(KvCache.Type.F32));
    }

    @Test
    void theLastTokensEmbeddingTimesTheOutputMatrixGivesItsLogits() throws Exception {
        try (Engine engine = load(64); GgufFile file = GgufFile.open(model)) {
            int[] tokens = engine.tokenizer().encode("the people of the world", true, false);
            float[] e = engine.newSession().embed(tokens, Session.Pooling.LAST);
            float[] logits = engine.newSession().evaluate(tokens).clone();

            Tensor out = file.hasTensor("output.weight") ? file.tensor("output.weight") : file.tensor("token_embd.weight");
            int dim = out.rowLength();
            assertThat(e).hasSize(dim);
            float[] row = new float[dim];
            double dot = 0, nl = 0, np = 0;
            for (int v = 0; v < logits.length; v++) {
                Dequantizer.dequantize(GgmlType.F32, out.data(), v * out.rowBytes(), row, 0, dim);
                double p = 0;
                for (int i = 0; i < dim; i++) {
                    p += (double) row[i] * e[i];
                }
                dot += p * logits[v];
                nl += (double) logits[v] * logits[v];
                np += p * p;
            }
            // the unit embedding is the hidden state scaled down: its logits are the model's, in proportion
            assertThat(dot / Math.sqrt(nl * np)).isCloseTo(1.0, within(1e-5));
        }
    }

    @Test
    void embeddingsAreUnitLengthAndDoNotDependOnTheBatchSize() throws Exception {
        float[] whole;
        float[] chunked;
        try (Engine engine = load(64)) {
            int[] tokens = engine.tokenizer().encode("the people of the world ".repeat(6), true, false);
            whole = engine.newSession().embed(tokens, Session.Pooling.MEAN);
        }
        try (Engine engine = load(7)) { // the same text in chunks of 7 tokens
            int[] tokens = engine.tokenizer().encode("the people of the world ".repeat(6), true, false);
            chunked = engine.newSession().embed(tokens, Session.Pooling.MEAN);
        }
        double norm = 0;
        for (int i = 0; i < whole.length; i++) {
            norm += whole[i] * whole[i];
            assertThat(chunked[i]).isCloseTo(whole[i], within(1e-5f));
        }
        assertThat(norm).isCloseTo(1.0, within(1e-5));
    }

    @Test
    void meanOfOneTokenIsThatTokenAndTheSchedulerGivesTheSessionsAnswer() throws Exception {
        try (Engine engine = load(64)) {
            int[] one = {5};
            assertThat(engine.newSession().embed(one, Session.Pooling.MEAN))
                    .containsExactly(engine.newSession().embed(one, Session.Pooling.LAST));
            int[] tokens = engine.tokenizer().encode("hello there", true, false);
            float[] direct = engine.newSession().embed(tokens, engine.pooling());
            try (Scheduler scheduler = new Scheduler(engine, 2, 4)) {
                assertThat(scheduler.embed(tokens).get(30, TimeUnit.SECONDS)).containsExactly(direct);
            }
        }
    }
}
