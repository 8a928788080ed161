package dev.sirocco.train;

import dev.sirocco.engine.gguf.GgufFile;
import dev.sirocco.engine.model.KvCache;
import dev.sirocco.engine.runtime.Engine;
import dev.sirocco.engine.runtime.EngineOptions;
import dev.sirocco.engine.runtime.Session;
import dev.sirocco.testkit.LlamaCppOracle;
import dev.sirocco.testkit.ModelSpec;
import dev.sirocco.testkit.RandomModels;
import dev.sirocco.train.autograd.Tape;
import dev.sirocco.train.checkpoint.CheckpointPolicy;
import dev.sirocco.train.data.Example;
import dev.sirocco.train.data.TextDataset;
import dev.sirocco.train.export.ModelWriter;
import dev.sirocco.train.model.BaseModel;
import dev.sirocco.train.model.ModelInitializer;
import dev.sirocco.train.model.ModelShape;
import dev.sirocco.train.model.TrainableWeights;
import dev.sirocco.train.model.TrainingModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Pretraining from scratch: a fresh model memorises a text; the engine serves exactly what was trained, and llama.cpp loads it too. */
class PretrainerTest {
    static final String TEXT = "the people of the world made water and the water made the world of the people";

    @TempDir
    static Path dir;
    static Path init;

    @BeforeAll
    static void initialise() throws Exception {
        Path vocabSource = RandomModels.write(ModelSpec.tinyLlama(), dir.resolve("vocab.gguf"));
        init = dir.resolve("init.gguf");
        try (GgufFile src = GgufFile.open(vocabSource)) {
            ModelInitializer.write(new ModelShape(32, 2, 4, 2, 64, 128, false), src.metadata(), 7, init);
        }
    }

    @Test
    void freshModelLoadsInTheEngineAndTrainingForwardEqualsIt() throws Exception {
        int[] tokens = {1, 5, 77, 300, 12};
        float[] ours;
        try (BaseModel base = BaseModel.load(init, 1)) {
            ours = new TrainingModel(base, TrainableWeights.from(base.file(), base.kernels())).logits(new Tape(), tokens).value;
        }
        float[] engine;
        try (Engine e = Engine.load(init, EngineOptions.defaults().withThreads(1).withKvType(KvCache.Type.F32))) {
            engine = e.newSession().evaluateAll(tokens);
        }
        assertThat(relativeMaxDiff(engine, ours)).isLessThanOrEqualTo(1e-4);
    }

    @Test
    void pretrainingMemorisesATextTheEngineThenRecites() throws Exception {
        Path text = Files.writeString(dir.resolve("text.txt"), TEXT);
        Path trained = dir.resolve("trained.gguf");
        TrainingConfig config = new TrainingConfig(120, 1, 1e-2f, 1, 64, 3, 0.1, 0f, 1.0);
        TrainingLoop.Outcome o;
        int[] all;
        try (BaseModel base = BaseModel.load(init, 1)) {
            List<Example> data = TextDataset.load(text, base.tokenizer(), 64);
            all = data.get(0).tokens();
            Pretrainer.Result r = new Pretrainer(base, config).run(data, p -> { }, CheckpointPolicy.NONE);
            o = r.outcome();
            ModelWriter.write(base.file(), r.weights(), trained);
            float[] ours = new TrainingModel(base, r.weights()).logits(new Tape(), all).value;
            try (Engine e = Engine.load(trained, EngineOptions.defaults().withThreads(1).withKvType(KvCache.Type.F32))) {
                float[] engine = e.newSession().evaluateAll(all);
                assertThat(relativeMaxDiff(engine, ours)).as("engine vs training forward").isLessThanOrEqualTo(1e-4);
            }
        }
        float[] theirs = LlamaCppOracle.shared().lastLogits(trained, all);
        try (Engine e = Engine.load(trained, EngineOptions.defaults().withThreads(1).withKvType(KvCache.Type.F32))) {
            float[] ours = e.newSession().evaluate(all);
            assertThat(relativeMaxDiff(theirs, ours)).as("llama.cpp vs engine on the trained model").isLessThanOrEqualTo(1e-3);
        }
        System.out.printf("pretraining: loss %.4f -> %.4f in %d steps, %.0f tokens/s%n", o.initialLoss(), o.finalLoss(), o.steps(), o.tokensPerSecond());
        assertThat(o.finalLoss()).isLessThan(0.1 * o.initialLoss());

        try (Engine e = Engine.load(trained, EngineOptions.defaults().withThreads(1).withKvType(KvCache.Type.F32))) {
            Session s = e.newSession();
            int prompt = 4;
            float[] logits = s.evaluate(Arrays.copyOf(all, prompt));
            int[] recited = new int[all.length - prompt];
            for (int i = 0; i < recited.length; i++) {
                recited[i] = argmax(logits);
                logits = s.evaluate(new int[]{recited[i]});
            }
            assertThat(recited).containsExactly(Arrays.copyOfRange(all, prompt, all.length));
        }
    }

    @Test
    void trainingEndsWithTheSameWeightsOnOneThreadAsOnThree() throws Exception {
        Path text = Files.writeString(dir.resolve("threads.txt"), TEXT + " " + TEXT);
        TrainingConfig config = new TrainingConfig(4, 2, 1e-2f, 1, 32, 5, 0.1, 0.01f, 0.5);
        List<float[]> one;
        List<float[]> three;
        System.setProperty("sirocco.train.spreadMin", "0"); // spread every op, however small
        try {
            one = trainedValues(text, config, 1);
            three = trainedValues(text, config, 3);
        } finally {
            System.clearProperty("sirocco.train.spreadMin");
        }
        assertThat(three).hasSameSizeAs(one);
        for (int i = 0; i < one.size(); i++) {
            assertThat(three.get(i)).as("parameter %d", i).containsExactly(one.get(i));
        }
    }

    private static List<float[]> trainedValues(Path text, TrainingConfig config, int threads) throws Exception {
        try (BaseModel base = BaseModel.load(init, threads)) {
            List<Example> data = TextDataset.load(text, base.tokenizer(), config.seqLen());
            Pretrainer.Result r = new Pretrainer(base, config).run(data, p -> { }, CheckpointPolicy.NONE);
            return r.weights().parameters().stream().map(p -> p.value.clone()).toList();
        }
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    private static double relativeMaxDiff(float[] expected, float[] actual) {
        assertThat(actual).hasSameSizeAs(expected);
        double maxAbs = 0, maxDiff = 0;
        for (int i = 0; i < expected.length; i++) {
            maxAbs = Math.max(maxAbs, Math.abs(expected[i]));
            maxDiff = Math.max(maxDiff, Math.abs(expected[i] - actual[i]));
        }
        return maxDiff / maxAbs;
    }
}
