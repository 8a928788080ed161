package dev.sirocco.cli;

import dev.sirocco.engine.runtime.sampling.SamplingParams;
import picocli.CommandLine.Option;

import java.util.List;

/** The sampling flags {@code run} and {@code chat} share, with llama.cpp's defaults. */
final class SamplingOptions {
    @Option(names = {"-n", "--max-tokens"}, paramLabel = "N", defaultValue = "256", description = "Most tokens to generate (default 256).")
    int maxTokens;

    @Option(names = "--temperature", paramLabel = "T", defaultValue = "0.8", description = "Sampling temperature; 0 is greedy (default 0.8).")
    float temperature;

    @Option(names = "--top-p", paramLabel = "P", defaultValue = "0.95", description = "Nucleus sampling threshold (default 0.95).")
    float topP;

    @Option(names = "--top-k", paramLabel = "K", defaultValue = "40", description = "Keep the K most likely tokens; 0 is off (default 40).")
    int topK;

    @Option(names = "--min-p", paramLabel = "P", defaultValue = "0.05", description = "Drop tokens below P x the best one's probability (default 0.05).")
    float minP;

    @Option(names = "--repeat-penalty", paramLabel = "X", defaultValue = "1.0", description = "Penalty for recently seen tokens; 1 is off.")
    float repeatPenalty;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "-1", description = "Sampling seed; -1 picks one at random.")
    long seed;

    @Option(names = "--stop", paramLabel = "TEXT", description = "Stop before this string (repeatable).")
    List<String> stop = List.of();

    @Option(names = "--ignore-eos", description = "Keep generating past end-of-generation tokens.")
    boolean ignoreEos;

    SamplingParams params() {
        return new SamplingParams(temperature, topK, topP, minP, repeatPenalty, 64, 0f, 0f,
                seed < 0 ? SamplingParams.RANDOM_SEED : seed);
    }
}
