package dev.sirocco.evals.suite;

import java.util.List;
import java.util.Set;

/**
 * The assertion types this runner implements, with promptfoo's names, and what each needs from the suite.
 * Anything else is refused when the suite is loaded (exit 2), never skipped.
 */
public final class AssertionTypes {
    private AssertionTypes() {
    }

    /** Types whose value is one string (or number). */
    static final Set<String> SINGLE_VALUE = Set.of("equals", "contains", "icontains", "regex", "starts-with");

    /** Types whose value is a list, or a comma-separated string (promptfoo splits it). */
    static final Set<String> LIST_VALUE = Set.of("contains-any", "contains-all", "icontains-any", "icontains-all");

    /** Types whose value, if any, is a JSON schema. */
    static final Set<String> SCHEMA_VALUE = Set.of("is-json", "contains-json");

    /** Types that need a numeric {@code threshold}. */
    static final Set<String> NEEDS_THRESHOLD = Set.of("latency");

    /** Types whose value is inline code. */
    static final Set<String> CODE_VALUE = Set.of("javascript");

    /** Types graded by another model, which the assertion (or the test's options) must name. */
    static final Set<String> GRADED = Set.of("llm-rubric", "similar");

    static final Set<String> NO_VALUE = Set.of("is-valid-openai-tools-call", "latency", "perplexity", "perplexity-score");

    /** Types that read the provider's token log-probabilities: the suite asks its providers for them. */
    public static final Set<String> NEEDS_LOGPROBS = Set.of("perplexity", "perplexity-score");

    /** Every supported type (without the {@code not-} prefix), in the order the docs list them. */
    public static final List<String> SUPPORTED = List.of("equals", "contains", "icontains", "contains-any",
            "contains-all", "icontains-any", "icontains-all", "regex", "starts-with", "is-json", "contains-json",
            "latency", "perplexity", "perplexity-score", "is-valid-openai-tools-call", "javascript", "llm-rubric", "similar");

    /** Types promptfoo has that this runner does not (yet); named so the error can say so. */
    static final Set<String> KNOWN_UNSUPPORTED = Set.of("python", "ruby", "webhook",
            "model-graded-closedqa", "factuality", "answer-relevance", "context-faithfulness",
            "context-recall", "context-relevance", "g-eval", "cost", "levenshtein",
            "rouge-n", "bleu", "classifier", "moderation", "is-sql", "is-xml", "contains-xml", "is-html",
            "contains-html", "contains-sql", "ends-with", "finish-reason", "is-refusal", "select-best", "max-score",
            "human", "assert-set", "trace-span-count", "trace-span-duration", "word-count", "meteor", "gleu",
            "pi", "tool-call-f1", "skill", "guardrails", "is-valid-function-call", "is-valid-openai-function-call",
            "javascript-file", "python-file", "fn", "eval", "grade");

    public static boolean isSupported(String baseType) {
        return SUPPORTED.contains(baseType);
    }

    static boolean isKnownToPromptfoo(String baseType) {
        return SUPPORTED.contains(baseType) || KNOWN_UNSUPPORTED.contains(baseType);
    }
}
