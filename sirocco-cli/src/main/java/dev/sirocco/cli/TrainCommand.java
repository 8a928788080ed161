package dev.sirocco.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sirocco.engine.gguf.GgufFile;
import dev.sirocco.models.store.ModelStore;
import dev.sirocco.train.Pretrainer;
import dev.sirocco.train.TrainingConfig;
import dev.sirocco.train.TrainingProgress;
import dev.sirocco.train.checkpoint.CheckpointPolicy;
import dev.sirocco.train.data.Example;
import dev.sirocco.train.data.TrainingData;
import dev.sirocco.train.export.ModelWriter;
import dev.sirocco.train.model.BaseModel;
import dev.sirocco.train.model.ModelInitializer;
import dev.sirocco.train.model.ModelShape;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code sirocco train}: pretrains a new llama-architecture model from scratch (or trains every weight of an existing
 * one with {@code --init-from}) on plain text or chat JSONL, and writes it as an F32 GGUF.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train every weight of a new model (tokenizer from --tokenizer-from) or of --init-from M, on text or chat JSONL.")
final class TrainCommand implements Callable<Integer> {
    @Option(names = "--tokenizer-from", paramLabel = "M", description = "A GGUF model whose tokenizer (and chat template) the new model uses.")
    String tokenizerFrom;

    @Option(names = "--init-from", paramLabel = "M", description = "Train all weights of this model instead of a fresh one.")
    String initFrom;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Model store for ids (default: $SIROCCO_DATA_DIR or ~/.sirocco).")
    Path dataDir;

    @Option(names = "--data", required = true, paramLabel = "F", description = "Training data: plain text, or chat JSONL (--format chat).")
    Path data;

    @Option(names = "--format", paramLabel = "text|chat", description = "Data format (default: chat for .jsonl files, else text).")
    String format;

    @Option(names = "--out", required = true, paramLabel = "MODEL.gguf", description = "Where to write the trained model (F32).")
    Path out;

    @Option(names = "--dim", defaultValue = "256", paramLabel = "N", description = "Embedding width of a new model (default 256).")
    int dim;

    @Option(names = "--layers", defaultValue = "4", paramLabel = "N", description = "Blocks of a new model (default 4).")
    int layers;

    @Option(names = "--heads", defaultValue = "4", paramLabel = "N", description = "Attention heads (default 4).")
    int heads;

    @Option(names = "--kv-heads", defaultValue = "4", paramLabel = "N", description = "Key/value heads (default: 4).")
    int kvHeads;

    @Option(names = "--ffn", defaultValue = "768", paramLabel = "N", description = "Feed-forward width (default 768).")
    int ffn;

    @Option(names = "--ctx", defaultValue = "512", paramLabel = "N", description = "Context length of a new model (default 512).")
    int ctx;

    @Option(names = "--tied", description = "Tie the output projection to the token embedding.")
    boolean tied;

    @Option(names = "--steps", paramLabel = "N", description = "Optimizer steps (instead of --epochs).")
    Integer steps;

    @Option(names = "--epochs", paramLabel = "N", description = "Passes over the data (default 1).")
    Integer epochs;

    @Option(names = "--lr", paramLabel = "LR", defaultValue = "1e-3", description = "Peak learning rate (default 1e-3; 10%% warmup, cosine decay).")
    float lr;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "8", description = "Sequences per optimizer step (default 8).")
    int batch;

    @Option(names = "--seq-len", paramLabel = "L", defaultValue = "128", description = "Positions per sequence: text windows of L + 1 tokens, each position predicting the next (default 128).")
    int seqLen;

    @Option(names = "--weight-decay", paramLabel = "WD", defaultValue = "0.1", description = "AdamW weight decay (default 0.1).")
    float weightDecay;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Seed of the initialisation and data order (default 0).")
    long seed;

    @Option(names = "--checkpoint-every", paramLabel = "N", defaultValue = "0", description = "Save a checkpoint every N steps (default: never).")
    int checkpointEvery;

    @Option(names = "--resume", description = "Continue from the latest checkpoint in MODEL.gguf.checkpoints.")
    boolean resume;

    @Option(names = "--activation-checkpointing", description = "Recompute each block in the backward pass: far less memory, ~1/3 more compute.")
    boolean activationCheckpointing;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "Threads for the matrix products (default: all cores).")
    Integer threads;

    @Option(names = "--json", description = "Print {\"initial_loss\", \"final_loss\", \"steps\", \"tokens_per_s\", \"parameters\"} at the end.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if ((tokenizerFrom == null) == (initFrom == null)) {
            throw new BadInputException("give --tokenizer-from M (a new model) or --init-from M (train an existing one), one of them");
        }
        if (steps != null && epochs != null) {
            throw new BadInputException("give --steps or --epochs, not both");
        }
        if (!Files.isRegularFile(data)) {
            throw new BadInputException("--data " + data + ": no such file");
        }
        TrainingConfig config = new TrainingConfig(steps == null ? 0 : steps, epochs == null ? 1 : epochs, lr, batch, seqLen,
                seed, 0.1, weightDecay, 1.0);
        Path store = dataDir != null ? dataDir : ModelStore.defaultDataDir();
        Path start;
        Path fresh = null;
        if (initFrom != null) {
            start = ModelFile.existing(initFrom, store);
        } else {
            ModelShape shape = new ModelShape(dim, layers, heads, kvHeads, ffn, ctx, tied);
            fresh = out.resolveSibling(out.getFileName() + ".init.gguf");
            try (GgufFile source = GgufFile.open(ModelFile.existing(tokenizerFrom, store))) {
                ModelInitializer.write(shape, source.metadata(), seed, fresh);
            }
            start = fresh;
        }
        PrintStream err = System.err;
        int nThreads = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        try (BaseModel base = BaseModel.load(start, nThreads)) {
            List<Example> examples = TrainingData.load(data, format, base, seqLen);
            err.printf("sirocco: training %d-dim %d-layer model on %d sequences for %d steps%n", base.config().dim(),
                    base.config().layers(), examples.size(), config.stepsFor(examples.size()));
            boolean tty = System.console() != null;
            CheckpointPolicy policy = checkpointEvery > 0 || resume
                    ? new CheckpointPolicy(out.resolveSibling(out.getFileName() + ".checkpoints"), checkpointEvery, resume) : CheckpointPolicy.NONE;
            Pretrainer trainer = new Pretrainer(base, config).withActivationCheckpointing(activationCheckpointing);
            if (!activationCheckpointing && trainer.checkpointsActivations()) {
                FinetuneCommand.noteCheckpointing(err, base, seqLen);
            }
            Pretrainer.Result r = trainer.run(examples, p -> progress(err, p, tty), policy);
            if (tty) {
                err.println();
            }
            ModelWriter.write(base.file(), r.weights(), out);
            if (json) {
                ObjectMapper mapper = new ObjectMapper();
                ObjectNode node = mapper.createObjectNode();
                node.put("initial_loss", r.outcome().initialLoss());
                node.put("final_loss", r.outcome().finalLoss());
                node.put("steps", r.outcome().steps());
                node.put("tokens_per_s", r.outcome().tokensPerSecond());
                node.put("parameters", r.weights().count());
                System.out.println(mapper.writeValueAsString(node));
            } else {
                err.printf("sirocco: loss %.4f -> %.4f in %d steps (%.0f tokens/s); model written to %s%n", r.outcome().initialLoss(),
                        r.outcome().finalLoss(), r.outcome().steps(), r.outcome().tokensPerSecond(), out);
            }
        } finally {
            if (fresh != null) {
                Files.deleteIfExists(fresh);
            }
        }
        return Main.EXIT_OK;
    }

    static void progress(PrintStream err, TrainingProgress p, boolean tty) {
        long eta = Math.round(p.etaSeconds());
        // three significant digits at low rates: a 1B model trains at a few tokens/s, and bench/train.sh reads the rate
        double rate = p.tokensPerSecond();
        String line = String.format(Locale.ROOT, "step %d/%d  loss %.4f  lr %.2e  %s tok/s  ETA %d:%02d",
                p.step(), p.steps(), p.loss(), p.learningRate(),
                String.format(Locale.ROOT, rate < 10 ? "%.2f" : rate < 100 ? "%.1f" : "%.0f", rate), eta / 60, eta % 60);
        if (tty) {
            err.print("\r" + line);
        } else {
            err.println(line);
        }
        err.flush();
    }
}
