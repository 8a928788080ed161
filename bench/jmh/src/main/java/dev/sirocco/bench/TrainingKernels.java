package dev.sirocco.bench;

import dev.sirocco.engine.gguf.GgufFile;
import dev.sirocco.engine.gguf.GgufMetadata;
import dev.sirocco.engine.gguf.GgufWriter;
import dev.sirocco.engine.tensor.Kernels;
import dev.sirocco.engine.tensor.KernelsFactory;
import dev.sirocco.engine.tensor.Parallel;
import dev.sirocco.engine.tensor.Tensor;
import dev.sirocco.train.autograd.Parameter;
import dev.sirocco.train.autograd.Tape;
import dev.sirocco.train.autograd.Var;
import dev.sirocco.train.ops.Matmuls;
import dev.sirocco.train.ops.DequantizedWeights;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * bench/train.sh's helpers: {@code peak} measures the GFLOP/s of the training module's own matrix products
 * ({@link Matmuls}: forward {@code x W^T}, backward {@code dx = dy W} and {@code dW = dy^T x}) on large shapes, the
 * reference its training throughput is compared with; {@code tokenizer} writes a tokenizer-only GGUF with a smaller
 * byte-level BPE vocabulary cut from another model's, for training a demo-shaped model through the CLI.
 */
public final class TrainingKernels {
    /** Passes before timing, at least, and for at least {@link #WARMUP_NANOS}, so C2 has compiled the kernels. */
    private static final int WARMUP = 2;
    private static final long WARMUP_NANOS = 3_000_000_000L;

    private TrainingKernels() {
    }

    /**
     * {@code peak THREADS TOKENS IN OUT [MODEL.gguf TENSOR]...}: one JSON object per line; for each model, also the
     * frozen (LoRA/QLoRA) path over that tensor.
     * {@code tokenizer SOURCE.gguf VOCAB OUT.gguf}.
     */
    public static void main(String[] args) throws Exception {
        switch (args.length > 0 ? args[0] : "") {
            case "peak" -> peak(args);
            case "tokenizer" -> tokenizer(Path.of(args[1]), Integer.parseInt(args[2]), Path.of(args[3]));
            default -> {
                System.err.println("usage: TrainingKernels peak THREADS TOKENS IN OUT [MODEL.gguf TENSOR]... | tokenizer SOURCE.gguf VOCAB OUT.gguf");
                System.exit(2);
            }
        }
    }

    private static void peak(String[] args) throws Exception {
        int threads = Integer.parseInt(args[1]);
        int n = Integer.parseInt(args[2]);
        int in = Integer.parseInt(args[3]);
        int out = Integer.parseInt(args[4]);
        int repeat = 5;
        try (Parallel parallel = new Parallel(threads)) {
            Kernels kernels = KernelsFactory.create(parallel, false);
            SplittableRandom rnd = new SplittableRandom(1);
            Parameter w = new Parameter("w", out, in, random(out * in, rnd));
            float[] x = random(n * in, rnd);
            float[] seed = random(n * out, rnd);
            double flops = 2.0 * n * in * out;
            String shape = n + "x" + in + "->" + out;
            // forward and backward of one dense (fully trained) product, the full-training and LoRA-factor path
            double fwd = Double.MAX_VALUE;
            double bwd = Double.MAX_VALUE;
            warmUp(() -> {
                Tape tape = new Tape();
                tape.backward(Matmuls.dense(tape, tape.leaf(x, n, in, true), tape.param(w), kernels), seed);
            });
            for (int r = 0; r < repeat; r++) {
                Tape tape = new Tape();
                Var xv = tape.leaf(x, n, in, true);
                long t0 = System.nanoTime();
                Var y = Matmuls.dense(tape, xv, tape.param(w), kernels);
                long t1 = System.nanoTime();
                tape.backward(y, seed);
                long t2 = System.nanoTime();
                fwd = Math.min(fwd, (t1 - t0) / 1e9);
                bwd = Math.min(bwd, (t2 - t1) / 1e9);
            }
            print("dense forward x.W^T", "F32", shape, flops / fwd);
            print("dense backward dx=dy.W, dW=dy^T.x", "F32", shape, 2 * flops / bwd);
            for (int i = 5; i + 1 < args.length; i += 2) {
                try (GgufFile file = GgufFile.open(Path.of(args[i]))) {
                    frozen(file.tensor(args[i + 1]), kernels, n, repeat);
                }
            }
        }
    }

    /** The frozen-weight path of LoRA/QLoRA: forward through the engine's kernel for the tensor's type, backward through the cached F32 copy. */
    private static void frozen(Tensor weight, Kernels kernels, int n, int repeat) {
        int in = weight.rowLength();
        int out = Math.toIntExact(weight.rows());
        SplittableRandom rnd = new SplittableRandom(2);
        float[] x = random(n * in, rnd);
        float[] seed = random(n * out, rnd);
        DequantizedWeights cached = new DequantizedWeights(kernels, Long.MAX_VALUE);
        DequantizedWeights uncached = new DequantizedWeights(kernels, 0);
        double flops = 2.0 * n * in * out;
        double fwd = Double.MAX_VALUE;
        double bwdCached = Double.MAX_VALUE;
        double bwdUncached = Double.MAX_VALUE;
        warmUp(() -> {
            Tape tape = new Tape();
            tape.backward(Matmuls.frozen(tape, tape.leaf(x, n, in, true), weight, null, kernels, cached), seed);
        });
        for (int r = 0; r < repeat; r++) {
            for (DequantizedWeights tw : new DequantizedWeights[]{cached, uncached}) {
                Tape tape = new Tape();
                Var xv = tape.leaf(x, n, in, true);
                long t0 = System.nanoTime();
                Var y = Matmuls.frozen(tape, xv, weight, null, kernels, tw);
                long t1 = System.nanoTime();
                tape.backward(y, seed);
                long t2 = System.nanoTime();
                fwd = Math.min(fwd, (t1 - t0) / 1e9);
                if (tw == cached) {
                    bwdCached = Math.min(bwdCached, (t2 - t1) / 1e9);
                } else {
                    bwdUncached = Math.min(bwdUncached, (t2 - t1) / 1e9);
                }
            }
        }
        String shape = n + "x" + in + "->" + out;
        print("frozen forward x.W^T", weight.type().name(), shape, flops / fwd);
        print("frozen backward dx=dy.W (cached F32 W)", weight.type().name(), shape, flops / bwdCached);
        print("frozen backward dx=dy.W (dequantized per pass)", weight.type().name(), shape, flops / bwdUncached);
    }

    /** Runs {@code pass} until both {@link #WARMUP} passes and {@link #WARMUP_NANOS} are done. */
    private static void warmUp(Runnable pass) {
        long start = System.nanoTime();
        for (int i = 0; i < WARMUP || System.nanoTime() - start < WARMUP_NANOS; i++) {
            pass.run();
        }
    }

    private static void print(String op, String type, String shape, double flopsPerSecond) {
        System.out.printf(Locale.ROOT, "{\"op\": \"%s\", \"type\": \"%s\", \"shape\": \"%s\", \"gflops\": %.2f}%n",
                op, type, shape, flopsPerSecond / 1e9);
    }

    private static float[] random(int size, SplittableRandom rnd) {
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
            v[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return v;
    }

    /**
     * The first {@code vocab - 2} tokens of {@code source}'s byte-level BPE vocabulary (its single bytes come first),
     * the merges that stay inside them, and two control tokens for BOS and EOS: a real, smaller tokenizer.
     */
    private static void tokenizer(Path source, int vocab, Path out) throws Exception {
        try (GgufFile file = GgufFile.open(source)) {
            GgufMetadata m = file.metadata();
            String[] tokens = Arrays.copyOf(m.getStringArray("tokenizer.ggml.tokens"), vocab);
            int[] types = Arrays.copyOf(m.getIntArray("tokenizer.ggml.token_type"), vocab);
            tokens[vocab - 2] = "<|begin_of_text|>";
            tokens[vocab - 1] = "<|end_of_text|>";
            types[vocab - 2] = 3; // control
            types[vocab - 1] = 3;
            Set<String> kept = new HashSet<>(Arrays.asList(tokens).subList(0, vocab - 2));
            List<String> merges = new ArrayList<>();
            for (String merge : m.getStringArray("tokenizer.ggml.merges")) {
                int space = merge.indexOf(' ');
                String a = merge.substring(0, space);
                String b = merge.substring(space + 1);
                if (kept.contains(a) && kept.contains(b) && kept.contains(a + b)) {
                    merges.add(merge);
                }
            }
            GgufWriter w = new GgufWriter();
            w.putString("general.architecture", "llama");
            w.putString("general.name", "sirocco bench tokenizer (" + vocab + " tokens)");
            w.putString("tokenizer.ggml.model", m.getString("tokenizer.ggml.model"));
            w.putString("tokenizer.ggml.pre", m.getString("tokenizer.ggml.pre"));
            w.putStringArray("tokenizer.ggml.tokens", tokens);
            w.putI32Array("tokenizer.ggml.token_type", types);
            w.putStringArray("tokenizer.ggml.merges", merges.toArray(String[]::new));
            w.putU32("tokenizer.ggml.bos_token_id", vocab - 2);
            w.putU32("tokenizer.ggml.eos_token_id", vocab - 1);
            w.write(out);
        }
    }
}
