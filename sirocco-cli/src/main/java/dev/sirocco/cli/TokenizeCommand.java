package dev.sirocco.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sirocco.engine.gguf.GgufFile;
import dev.sirocco.engine.tokenizer.Tokenizer;
import dev.sirocco.engine.tokenizer.Vocabularies;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code sirocco tokenize}: the token ids of a text, as a JSON array, with BOS/EOS as the file's metadata says. */
@Command(name = "tokenize", mixinStandardHelpOptions = true, description = "Print the token ids of a text as a JSON array.")
final class TokenizeCommand implements Callable<Integer> {
    @Option(names = {"-m", "--model"}, required = true, paramLabel = "M", description = "Path to a .gguf file.")
    String model;

    @Option(names = "--text", required = true, paramLabel = "TEXT", description = "The text to tokenize.")
    String text;

    @Option(names = "--no-special", description = "Treat special-token texts such as <|eot_id|> as plain text.")
    boolean noSpecial;

    @Override
    public Integer call() throws Exception {
        try (GgufFile file = ModelFile.open(model)) {
            Tokenizer tokenizer = Tokenizer.create(Vocabularies.fromMetadata(file.metadata()));
            int[] ids = tokenizer.encode(text, true, !noSpecial);
            System.out.println(new ObjectMapper().writeValueAsString(ids));
        }
        return Main.EXIT_OK;
    }
}
