package dev.sirocco.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

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

    @Override
    public Integer call() throws Exception {
        throw new UnsupportedOperationException("quantize is being built");
    }
}
