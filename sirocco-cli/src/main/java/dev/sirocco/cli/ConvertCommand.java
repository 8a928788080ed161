package dev.sirocco.cli;

import dev.sirocco.models.convert.CheckpointConverter;
import dev.sirocco.models.convert.ConvertType;
import dev.sirocco.models.convert.GgufExporter;
import dev.sirocco.models.convert.SafetensorsDtype;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code sirocco convert DIR --out F.gguf}: a Hugging Face safetensors checkpoint to GGUF, as llama.cpp's converter;
 * {@code sirocco convert F.gguf --out DIR}: the reverse, a GGUF back to a checkpoint directory that converts to the
 * same GGUF. The direction follows from what the input is.
 */
@Command(name = "convert", mixinStandardHelpOptions = true,
        description = {"Convert a Hugging Face checkpoint directory (config.json, *.safetensors, tokenizer.json or tokenizer.model)"
                + " to GGUF (llama, Mistral, Mixtral, Qwen 2, Qwen 3, Gemma 3),",
                "or a GGUF file of those families back to a checkpoint directory (config.json, model.safetensors, tokenizer files)."})
final class ConvertCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR|F.gguf", description = "The checkpoint directory, or a GGUF file to export.")
    Path dir;

    @Option(names = "--out", required = true, paramLabel = "F.gguf|DIR",
            description = "The GGUF file to write, or the directory to export to.")
    Path out;

    @Option(names = "--type", paramLabel = "TYPE",
            description = "To GGUF: f32, f16 (default), bf16, q8_0 or q4_k_m. To safetensors: f32, f16 or bf16"
                    + " (default: F32/F16/BF16 tensors keep their type, quantized ones become F32).")
    String type;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "Threads for quantizing (default: all cores).")
    Integer threads;

    @Override
    public Integer call() throws Exception {
        if (Files.isRegularFile(dir)) {
            return export();
        }
        ConvertType t = ConvertType.parse(type != null ? type : "f16");
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

    private int export() throws Exception {
        SafetensorsDtype dtype = null;
        if (type != null) {
            dtype = switch (type.trim().toLowerCase(Locale.ROOT)) {
                case "f32" -> SafetensorsDtype.F32;
                case "f16" -> SafetensorsDtype.F16;
                case "bf16" -> SafetensorsDtype.BF16;
                default -> throw new BadInputException("--type " + type + " cannot be exported to safetensors; use f32, f16 or bf16");
            };
        }
        long start = System.nanoTime();
        GgufExporter.export(dir, out, dtype, (i, count, name, ggml) ->
                System.err.printf(Locale.ROOT, "[%4d/%4d] %-40s %s%n", i + 1, count, name, ggml));
        System.out.printf(Locale.ROOT, "exported %s -> %s (%s) in %.1f s%n", dir, out,
                Sizes.bytes(Files.size(out.resolve("model.safetensors"))), (System.nanoTime() - start) / 1e9);
        return Main.EXIT_OK;
    }
}
