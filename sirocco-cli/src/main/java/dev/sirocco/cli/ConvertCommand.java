package dev.sirocco.cli;

import dev.sirocco.models.convert.CheckpointConverter;
import dev.sirocco.models.convert.ConvertType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code sirocco convert DIR --out F.gguf}: a Hugging Face safetensors checkpoint to GGUF, as llama.cpp's converter. */
@Command(name = "convert", mixinStandardHelpOptions = true,
        description = "Convert a Hugging Face checkpoint directory (config.json, *.safetensors, tokenizer.json or tokenizer.model) to GGUF (llama, Mistral, Mixtral, Qwen 2, Qwen 3, Gemma 3).")
final class ConvertCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR", description = "The checkpoint directory.")
    Path dir;

    @Option(names = "--out", required = true, paramLabel = "F.gguf", description = "The GGUF file to write.")
    Path out;

    @Option(names = "--type", paramLabel = "TYPE", defaultValue = "f16", description = "f32, f16 (default), q8_0 or q4_k_m.")
    String type;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "Threads for quantizing (default: all cores).")
    Integer threads;

    @Override
    public Integer call() throws Exception {
        ConvertType t = ConvertType.parse(type);
        if (!Files.isDirectory(dir)) {
            throw new BadInputException("checkpoint directory not found: " + dir);
        }
        if (Files.isDirectory(out)) {
            throw new BadInputException("--out " + out + " is a directory; give a file name");
        }
        int n = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (n < 1) {
            throw new BadInputException("--threads must be at least 1, got " + n);
        }
        long start = System.nanoTime();
        CheckpointConverter.convert(dir, out, t, n, (i, count, name, ggml) ->
                System.err.printf(Locale.ROOT, "[%4d/%4d] %-40s %s%n", i + 1, count, name, ggml));
        System.out.printf(Locale.ROOT, "converted %s -> %s (%s, %s) in %.1f s%n", dir, out, t.cliName(),
                Sizes.bytes(Files.size(out)), (System.nanoTime() - start) / 1e9);
        return Main.EXIT_OK;
    }
}
