package dev.sirocco.cli;

import dev.sirocco.chat.ChatMessage;
import dev.sirocco.engine.runtime.ContextFullException;
import dev.sirocco.engine.runtime.Engine;
import dev.sirocco.engine.runtime.GenerationRequest;
import dev.sirocco.engine.runtime.GenerationResult;
import dev.sirocco.engine.runtime.Generator;
import dev.sirocco.engine.runtime.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code sirocco chat}: an interactive conversation in the terminal, one line per message, rendered with the
 * model's chat template. Each turn re-renders the whole conversation but evaluates only the tokens that differ
 * from what the KV cache already holds, so a long conversation does not get slower turn by turn.
 */
@Command(name = "chat", mixinStandardHelpOptions = true, description = "Chat with a model in the terminal (/reset starts over, /bye or end of input quits).")
final class ChatCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Mixin
    SamplingOptions sampling;

    @Option(names = "--system", paramLabel = "TEXT", description = "A system prompt for the conversation.")
    String system;

    @Override
    public Integer call() throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try (Engine engine = model.load()) {
            Session session = engine.newSession();
            List<ChatMessage> messages = new ArrayList<>();
            start(messages);
            out.print("> ");
            for (String line; (line = in.readLine()) != null; out.print("> ")) {
                String text = line.strip();
                if (text.isEmpty()) {
                    continue;
                }
                if (text.equals("/bye")) {
                    break;
                }
                if (text.equals("/reset")) {
                    start(messages);
                    session.reset();
                    out.println("(conversation cleared)");
                    continue;
                }
                messages.add(ChatMessage.of("user", text));
                try {
                    GenerationResult r = answer(engine, session, messages, out);
                    messages.add(ChatMessage.of("assistant", r.text()));
                    out.println();
                    System.err.printf("sirocco: %d new prompt tokens, %d generated at %.1f tokens/s (%s)%n",
                            r.promptTokens(), r.tokens().length, r.generationTokensPerSecond(),
                            r.finishReason().name().toLowerCase());
                } catch (ContextFullException e) {
                    messages.removeLast();
                    out.println();
                    System.err.println("sirocco: the conversation fills the context of " + session.contextSize()
                            + " tokens; /reset to start over, or restart with a larger --ctx");
                }
            }
            out.println();
        }
        return Main.EXIT_OK;
    }

    private void start(List<ChatMessage> messages) {
        messages.clear();
        if (system != null && !system.isBlank()) {
            messages.add(ChatMessage.of("system", system));
        }
    }

    /** Generates the assistant's turn, reusing the cached prefix the conversation shares with the session. */
    private GenerationResult answer(Engine engine, Session session, List<ChatMessage> messages, PrintStream out) {
        String text = ChatPrompt.conversation(engine, messages);
        int[] tokens = engine.tokenizer().encode(text, !ChatPrompt.startsWithBos(engine, text), true);
        int[] cached = session.tokens();
        int keep = 0;
        while (keep < cached.length && keep < tokens.length && cached[keep] == tokens[keep]) {
            keep++;
        }
        keep = Math.min(keep, tokens.length - 1); // at least one token must be evaluated to get logits
        session.truncate(keep);
        int[] prompt = java.util.Arrays.copyOfRange(tokens, keep, tokens.length);
        return Generator.generate(session, engine.tokenizer(), prompt,
                new GenerationRequest(sampling.maxTokens, sampling.params(), sampling.stop, sampling.ignoreEos),
                (id, piece) -> out.print(piece));
    }
}
