package dev.sirocco.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sirocco.models.store.ModelStore;
import dev.sirocco.train.FinetuneConfig;
import dev.sirocco.train.Evaluation;
import dev.sirocco.train.Finetuner;
import dev.sirocco.train.TrainingProgress;
import dev.sirocco.train.TrainingResult;
import dev.sirocco.train.checkpoint.CheckpointPolicy;
import dev.sirocco.train.data.Example;
import dev.sirocco.train.data.TrainingData;
import dev.sirocco.train.export.AdapterWriter;
import dev.sirocco.train.export.MergedModelWriter;
import dev.sirocco.train.lora.LoraTarget;
import dev.sirocco.train.model.BaseModel;
import dev.sirocco.train.model.TrainingModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code sirocco finetune}: trains a LoRA adapter on chat JSONL (or plain text) and writes it in llama.cpp's format. */
@Command(name = "finetune", mixinStandardHelpOptions = true,
        description = "Fine-tune a LoRA adapter on chat JSONL ({\"messages\": [...]}, loss on assistant turns) or plain text.")
final class FinetuneCommand implements Callable<Integer> {
    @Option(names = {"-m", "--model"}, required = true, paramLabel = "M", description = "Base model: a .gguf file or a model id from the store.")
    String model;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Model store for ids (default: $SIROCCO_DATA_DIR or ~/.sirocco).")
    Path dataDir;

    @Option(names = "--data", required = true, paramLabel = "F.jsonl", description = "Training data: chat JSONL, or plain text (--format text).")
    Path data;

    @Option(names = "--format", paramLabel = "chat|text", description = "Data format (default: chat for .jsonl files, else text).")
    String format;

    @Option(names = "--validation", paramLabel = "F.jsonl", description = "Held-out data (same format): its mean loss is reported at the end.")
    Path validation;

    @Option(names = "--out", required = true, paramLabel = "ADAPTER.gguf", description = "Where to write the LoRA adapter.")
    Path out;

    @Option(names = "--steps", paramLabel = "N", description = "Optimizer steps (instead of --epochs).")
    Integer steps;

    @Option(names = "--epochs", paramLabel = "N", description = "Passes over the data (default 1).")
    Integer epochs;

    @Option(names = "--rank", paramLabel = "R", defaultValue = "8", description = "LoRA rank (default 8).")
    int rank;

    @Option(names = "--alpha", paramLabel = "A", defaultValue = "16", description = "LoRA alpha; updates scale by alpha/rank (default 16).")
    float alpha;

    @Option(names = "--lr", paramLabel = "LR", defaultValue = "2e-4", description = "Peak learning rate (default 2e-4; 10%% warmup, cosine decay).")
    float lr;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "4", description = "Sequences per optimizer step (default 4).")
    int batch;

    @Option(names = "--seq-len", paramLabel = "L", defaultValue = "512", description = "Positions the model sees per sequence at most: the first L + 1 tokens of an example, each position predicting the next (default 512).")
    int seqLen;

    @Option(names = "--targets", paramLabel = "q,k,v,o,gate,up,down", defaultValue = "q,k,v,o,gate,up,down",
            description = "Projections to adapt (default all seven).")
    String targets;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Seed of the initialisation and data order (default 0).")
    long seed;

    @Option(names = "--weight-decay", paramLabel = "WD", defaultValue = "0", description = "AdamW weight decay (default 0).")
    float weightDecay;

    @Option(names = "--merge", paramLabel = "MERGED.gguf", description = "Also write the base model with the adapter merged in.")
    Path merge;

    @Option(names = "--checkpoint-every", paramLabel = "N", defaultValue = "0", description = "Save a checkpoint every N steps (default: never).")
    int checkpointEvery;

    @Option(names = "--checkpoint-dir", paramLabel = "DIR", description = "Where checkpoints go (default: ADAPTER.gguf.checkpoints).")
    Path checkpointDir;

    @Option(names = "--resume", description = "Continue from the latest checkpoint; the result is bit-identical to an uninterrupted run.")
    boolean resume;

    @Option(names = "--activation-checkpointing", description = "Recompute each block in the backward pass: far less memory, ~1/3 more compute.")
    boolean activationCheckpointing;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "Threads for the matrix products (default: all cores).")
    Integer threads;

    @Option(names = "--json", description = "Print {\"initial_loss\", \"final_loss\", \"steps\", \"tokens_per_s\"} (and \"validation_loss\" with --validation) at the end.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (steps != null && epochs != null) {
            throw new BadInputException("give --steps or --epochs, not both");
        }
        if (!Files.isRegularFile(data)) {
            throw new BadInputException("--data " + data + ": no such file");
        }
        FinetuneConfig config = new FinetuneConfig(steps == null ? 0 : steps, epochs == null ? 1 : epochs, rank, alpha, lr,
                batch, seqLen, LoraTarget.parse(targets), seed, 0.1, weightDecay, 1.0);
        if (steps != null && steps < 1) {
            throw new BadInputException("--steps must be at least 1, got " + steps);
        }
        Path modelPath = ModelFile.existing(model, dataDir != null ? dataDir : ModelStore.defaultDataDir());
        PrintStream err = System.err;
        int nThreads = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        try (BaseModel base = BaseModel.load(modelPath, nThreads)) {
            List<Example> examples = TrainingData.load(data, format, base, seqLen);
            List<Example> held = validation != null ? TrainingData.load(validation, format, base, seqLen) : null;
            Finetuner tuner = new Finetuner(base, config).withActivationCheckpointing(activationCheckpointing);
            if (!activationCheckpointing && tuner.checkpointsActivations()) {
                noteCheckpointing(err, base, seqLen);
            }
            err.printf("sirocco: fine-tuning on %d examples for %d steps (rank %d, alpha %s, targets %s)%n",
                    examples.size(), tuner.steps(examples.size()), rank, alpha, targets);
            boolean tty = System.console() != null;
            Path cpDir = checkpointDir != null ? checkpointDir : out.resolveSibling(out.getFileName() + ".checkpoints");
            CheckpointPolicy policy = checkpointEvery > 0 || resume ? new CheckpointPolicy(cpDir, checkpointEvery, resume) : CheckpointPolicy.NONE;
            TrainingResult r = tuner.run(examples, p -> progress(err, p, tty), policy);
            if (tty) {
                err.println();
            }
            AdapterWriter.write(r.lora(), base.config().architecture().ggufName(), out);
            double validationLoss = held != null ? Evaluation.meanLoss(new TrainingModel(base, r.lora()).withActivationCheckpointing(tuner.checkpointsActivations()), held, seqLen) : Double.NaN;
            if (merge != null) {
                MergedModelWriter.write(base.file(), r.lora(), base.kernels(), merge);
            }
            if (json) {
                ObjectMapper mapper = new ObjectMapper();
                ObjectNode node = mapper.createObjectNode();
                node.put("initial_loss", r.initialLoss());
                node.put("final_loss", r.finalLoss());
                node.put("steps", r.steps());
                node.put("tokens_per_s", r.tokensPerSecond());
                if (held != null) {
                    node.put("validation_loss", validationLoss);
                }
                System.out.println(mapper.writeValueAsString(node));
            } else {
                err.printf("sirocco: loss %.4f -> %.4f in %d steps (%.0f tokens/s)%s; adapter written to %s%n",
                        r.initialLoss(), r.finalLoss(), r.steps(), r.tokensPerSecond(),
                        held != null ? String.format(java.util.Locale.ROOT, ", validation loss %.4f", validationLoss) : "", out);
            }
        }
        return Main.EXIT_OK;
    }

    /** One line per step, rewritten in place on a terminal. */
    private static void progress(PrintStream err, TrainingProgress p, boolean tty) {
        TrainCommand.progress(err, p, tty);
    }

    /** Says why activation checkpointing is on though no flag asked for it, and how to turn it off. */
    static void noteCheckpointing(PrintStream err, BaseModel base, int seqLen) {
        long need = dev.sirocco.train.model.TrainingModel.activationBytes(base.config(), base.weights().output().rows(), seqLen);
        err.printf("sirocco: activation checkpointing is on: a sequence of %d positions needs about %.1f GiB of activations, "
                + "more than half of the %.1f GiB heap (a larger heap, e.g. SIROCCO_JAVA_OPTS=-Xmx%dg, or a shorter --seq-len avoids "
                + "the recomputation)%n", seqLen, need / (double) (1L << 30), Runtime.getRuntime().maxMemory() / (double) (1L << 30),
                (int) Math.ceil(2.2 * need / (1L << 30)));
    }
}
