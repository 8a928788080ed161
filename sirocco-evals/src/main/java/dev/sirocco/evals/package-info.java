/**
 * Evals: CI for LLM applications. {@code sirocco eval SUITE.yaml} runs a suite written in promptfoo's
 * configuration format against OpenAI-compatible endpoints or a GGUF model in-process, grades every output with
 * promptfoo's assertion types, and gates CI with exit codes (0 pass, 1 failures or significant regressions, 2 bad suite).
 *
 * <h2>The suite format we accept (a subset of promptfoo's; anything else is an error naming its line)</h2>
 * <ul>
 *   <li>Top level: {@code description}, {@code prompts}, {@code providers} (or {@code targets}), {@code tests},
 *       {@code defaultTest}.</li>
 *   <li>{@code prompts}: strings; {@code file://} references relative to the suite ({@code .txt}/{@code .md}, with
 *       {@code ---} lines separating several prompts; {@code .json} chat messages; {@code .yaml} chat messages);
 *       or {@code {id: file://..., label}} / {@code {raw: ..., label}}. A prompt that renders to a JSON array of
 *       {@code {role, content}} is sent as those messages, anything else as one user message.</li>
 *   <li>Templates: promptfoo uses Nunjucks; we render with Jinjava, which agrees on {@code {{ var }}},
 *       {@code {{ obj.field }}}, common filters, {@code {% if %}} and {@code {% for %}}. Undefined vars render
 *       empty; syntax errors (an unclosed {@code {{}, a missing {@code endif}) are bad-suite errors. Assertion values
 *       are rendered with the same vars.</li>
 *   <li>{@code providers}: {@code openai:chat:MODEL} / {@code openai:MODEL} and {@code mistral:MODEL} /
 *       {@code mistral:chat:MODEL} with {@code config} keys {@code apiBaseUrl, apiKey, apiKeyEnvar, temperature,
 *       max_tokens, seed, top_p, stop, tools, tool_choice, response_format, frequency_penalty, presence_penalty}
 *       (Mistral also {@code random_seed, safe_prompt}; its seed is sent as {@code random_seed}); and our
 *       {@code sirocco:PATH.gguf} (path relative to the suite) with {@code temperature} (default 0: greedy),
 *       {@code max_tokens} (default 256), {@code seed, top_p, top_k, min_p, repeat_penalty, stop, threads,
 *       context_size}. Only options the suite sets are sent to an HTTP endpoint.</li>
 *   <li>{@code tests}: a list of tests or {@code file://} references ({@code .csv}, {@code .yaml}, {@code .json},
 *       {@code .jsonl}), or one such reference. Test keys: {@code description, vars, assert, threshold, metadata,
 *       options} (options: only {@code provider}, the grader of the test's model-graded assertions).
 *       Vars may be {@code file://} text/JSON/YAML files; list-valued vars expand into one test per combination.
 *       CSV columns are vars, plus {@code __expected}, {@code __expectedN}, {@code __description},
 *       {@code __metric}, {@code __threshold}; an {@code __expected} cell is {@code TYPE:VALUE} or a value to equal.</li>
 *   <li>{@code defaultTest}: {@code vars}, {@code assert} (run before each test's own), {@code threshold},
 *       {@code metadata}, {@code options.provider}.</li>
 *   <li>Assertions: {@code type} (see {@link dev.sirocco.evals.suite.AssertionTypes#SUPPORTED}, each also with
 *       {@code not-}), {@code value}, {@code threshold}, {@code weight} (default 1), {@code metric}, and for
 *       model-graded types {@code provider}. {@code javascript} runs inline code only (no {@code file://} scripts)
 *       in GraalJS under the CONSTRAINED sandbox policy with a 5 s limit. {@code llm-rubric} needs a chat provider
 *       (no default judge: name one); {@code similar} an {@code openai:embedding:MODEL} provider (threshold
 *       default 0.75). Grader calls are not cached.</li>
 * </ul>
 *
 * <h2>Known differences from promptfoo</h2>
 * <ul>
 *   <li>{@code contains-json} finds balanced {@code {...}} spans that parse as strict JSON (promptfoo's earlier
 *       extraction); current promptfoo first repairs malformed JSON (jsonrepair), which we do not.</li>
 *   <li>{@code regex} uses Java's regular-expression syntax, which agrees with JavaScript's for common patterns.</li>
 *   <li>{@code javascript} is synchronous (no promises), has no {@code require}/{@code process}, and its
 *       {@code context} holds {@code prompt}, {@code vars} and {@code test.vars} only.</li>
 *   <li>{@code llm-rubric} uses our own grading prompt and needs a named judge (promptfoo defaults to OpenAI).</li>
 *   <li>{@code latency} on a cached response fails with a message (promptfoo reports an error).</li>
 *   <li>{@code perplexity} and {@code perplexity-score} use promptfoo's formulas; a suite with either sets
 *       {@code config.logprobs: true} on every provider that does not set it (our extension: promptfoo leaves asking
 *       for log-probabilities to the provider's config). {@code not-} flips the verdict (and the score to 1 - score);
 *       without log-probabilities the assertion fails with a message either way.</li>
 *   <li>Chat-array prompts render each message's content separately, so vars with quotes cannot break the JSON.</li>
 * </ul>
 *
 * <h2>Grading and statistics</h2>
 * A test's score is the weighted mean of its assertion scores; with a {@code threshold} it passes iff the score
 * reaches it, otherwise iff every assertion passes (promptfoo's rule). {@code --repeat N} runs each case N times and
 * reports the pass rate with a 95% Wilson interval; the response cache keys include the repetition, so repeats are
 * distinct samples and a re-run replays them. {@code --baseline} compares pass counts per case with Fisher's exact
 * test and flags only significant changes: one run per case can never be significant, so use repeats to gate on
 * regressions (plain failures still fail the run).
 */
package dev.sirocco.evals;
