package dev.sirocco.cli;

import dev.sirocco.engine.gguf.GgufFormatException;
import dev.sirocco.engine.model.UnsupportedModelException;
import dev.sirocco.models.ModelRequestException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.FileNotFoundException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;

/**
 * Entry point of {@code bin/sirocco}: parses argv into a command and maps failures to exit codes —
 * 0 success, 2 bad usage or bad input (one clear sentence on stderr), 1 internal failure.
 */
@Command(name = "sirocco", mixinStandardHelpOptions = true, version = "sirocco 0.1.0",
        description = "Open-weight language models on your own machine.",
        subcommands = {RunCommand.class, ChatCommand.class, TokenizeCommand.class, LogitsCommand.class, PerplexityCommand.class,
                BenchCommand.class, InspectCommand.class, QuantizeCommand.class, ConvertCommand.class, PullCommand.class,
                ListCommand.class, ShowCommand.class, RemoveCommand.class, ServeCommand.class, EvalCommand.class, KeysCommand.class, FinetuneCommand.class, TrainCommand.class, TrainTokenizerCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {

    public static final int EXIT_OK = 0;
    public static final int EXIT_INTERNAL = 1;
    public static final int EXIT_BAD_INPUT = 2;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs a command line and returns its exit code (tests call this instead of {@link #main}). */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            PrintWriter err = cmd.getErr();
            if (isBadInput(e)) {
                err.println("sirocco: " + e.getMessage());
                err.flush();
                return EXIT_BAD_INPUT;
            }
            err.println("sirocco: internal error: " + e);
            e.printStackTrace(err);
            err.flush();
            return EXIT_INTERNAL;
        });
        return cli.execute(args);
    }

    private static boolean isBadInput(Throwable e) {
        return e instanceof GgufFormatException || e instanceof UnsupportedModelException
                || e instanceof NoSuchFileException || e instanceof FileNotFoundException
                || e instanceof BadInputException || e instanceof IllegalArgumentException
                || e instanceof ModelRequestException;
    }
}
