package dev.sirocco.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sirocco.engine.runtime.Engine;
import dev.sirocco.engine.runtime.GenerationRequest;
import dev.sirocco.engine.runtime.GenerationResult;
import dev.sirocco.engine.runtime.Generator;
import dev.sirocco.engine.runtime.Session;
import dev.sirocco.engine.runtime.TokenListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

/** {@code sirocco run}: generate from a prompt, streaming to stdout. */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Generate text from a prompt, streaming tokens to stdout.")
final class RunCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Option(names = {"-p", "--prompt"}, required = true, paramLabel = "TEXT", description = "The prompt.")
    String prompt;

    @Mixin
    SamplingOptions sampling;

    @Option(names = "--chat", description = "Wrap the prompt in the model's chat template as a user message.")
    boolean chat;

    @Option(names = "--json", description = "Print a JSON summary at the end instead of streaming.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try (Engine engine = model.load()) {
            String text = chat ? ChatPrompt.userTurn(engine, prompt) : prompt;
            // A chat-rendered prompt already carries its BOS text; otherwise add BOS as the file says.
            int[] tokens = engine.tokenizer().encode(text, !chat || !ChatPrompt.startsWithBos(engine, text), true);
            Session session = engine.newSession();
            TokenListener listener = json ? TokenListener.NONE : (id, piece) -> out.print(piece);
            GenerationResult r = Generator.generate(session, engine.tokenizer(), tokens,
                    new GenerationRequest(sampling.maxTokens, sampling.params(), sampling.stop, sampling.ignoreEos), listener);
            if (json) {
                ObjectMapper mapper = new ObjectMapper();
                ObjectNode node = mapper.createObjectNode();
                node.put("text", r.text());
                node.set("tokens", mapper.valueToTree(r.tokens()));
                node.put("prompt_tokens", r.promptTokens());
                node.put("gen_tokens_per_s", r.generationTokensPerSecond());
                node.put("finish_reason", r.finishReason().name().toLowerCase());
                out.println(mapper.writeValueAsString(node));
            } else {
                out.println();
                System.err.printf("sirocco: %d prompt tokens at %.1f tokens/s, %d generated at %.1f tokens/s (%s)%n",
                        r.promptTokens(), r.promptTokensPerSecond(), r.tokens().length, r.generationTokensPerSecond(),
                        r.finishReason().name().toLowerCase());
            }
        }
        return Main.EXIT_OK;
    }
}
