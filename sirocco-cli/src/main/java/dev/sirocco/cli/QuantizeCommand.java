package dev.sirocco.cli;

import dev.sirocco.engine.gguf.GgufFormatException;
import dev.sirocco.engine.quantize.ModelQuantizer;
import dev.sirocco.engine.quantize.PlannedTensor;
import dev.sirocco.engine.quantize.QuantType;
import dev.sirocco.engine.quantize.QuantizeResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code sirocco quantize}: re-quantize a GGUF file as llama-quantize does. */
@Command(name = "quantize", mixinStandardHelpOptions = true, description = "Re-quantize a GGUF file (q8_0, q4_0, q4_k_m, q5_k_m, q6_k).")
final class QuantizeCommand implements Callable<Integer> {
    @Option(names = "--in", required = true, paramLabel = "F", description = "Input GGUF file (F32, F16 or BF16 weights give the best result).")
    String in;

    @Option(names = "--out", required = true, paramLabel = "G", description = "Output GGUF file.")
    String out;

    @Option(names = "--type", required = true, paramLabel = "TYPE", description = "q8_0, q4_0, q4_k_m, q5_k_m or q6_k.")
    String type;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "Threads (default: all cores).")
    Integer threads;

    @Override
    public Integer call() throws Exception {
        QuantType target;
        try {
            target = QuantType.parse(type);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--type " + type + " is not supported; valid types: " + QuantType.validNames());
        }
        Path input = Path.of(in);
        if (!Files.isRegularFile(input)) {
            throw new BadInputException("input file not found: " + in + " (give the path to a .gguf file)");
        }
        Path output = Path.of(out);
        Path dir = output.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            throw new BadInputException("output directory does not exist: " + dir + " (create it first)");
        }
        if (Files.isDirectory(output)) {
            throw new BadInputException("--out " + out + " is a directory; give a file name");
        }
        if (Files.exists(output) && Files.isSameFile(input, output)) {
            throw new BadInputException("--out must differ from --in: quantizing in place would destroy the input");
        }
        int n = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (n < 1) {
            throw new BadInputException("--threads must be at least 1, got " + n);
        }

        PrintStream err = System.err;
        long start = System.nanoTime();
        QuantizeResult r;
        try {
            r = ModelQuantizer.quantize(input, output, target, n, (i, count, t) -> err.println(progressLine(i, count, t)));
        } catch (GgufFormatException e) {
            throw new BadInputException(in + " is not a valid GGUF file: " + e.getMessage());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "quantized %s -> %s as %s (general.file_type %d) in %.1f s%n",
                in, out, target.cliName(), target.llamaFtype(), seconds);
        System.out.printf(Locale.ROOT, "tensors: %d, %s -> %s (%.2f%%)%n", r.plan().tensors().size(),
                mib(r.tensorBytesBefore()), mib(r.tensorBytesAfter()),
                r.tensorBytesBefore() == 0 ? 100.0 : 100.0 * r.tensorBytesAfter() / r.tensorBytesBefore());
        System.out.printf(Locale.ROOT, "file: %s -> %s%n", mib(r.fileBytesBefore()), mib(r.fileBytesAfter()));
        return Main.EXIT_OK;
    }

    /** "[  3/ 147] blk.0.attn_v.weight  [2048, 512]  BF16 -> Q6_K  2.00 MiB -> 0.82 MiB", as llama-quantize logs it. */
    static String progressLine(int index, int count, PlannedTensor t) {
        String change = t.converts() ? t.from() + " -> " + t.to() : t.to() + " (copied)";
        return String.format(Locale.ROOT, "[%4d/%4d] %-40s %-20s %-16s %s -> %s", index + 1, count, t.name(),
                Arrays.toString(t.shape()), change, mib(t.bytesBefore()), mib(t.bytesAfter()));
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.2f MiB", bytes / 1048576.0);
    }
}
