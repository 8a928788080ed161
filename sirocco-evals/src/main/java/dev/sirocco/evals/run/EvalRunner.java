package dev.sirocco.evals.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sirocco.evals.assertions.AssertionResult;
import dev.sirocco.evals.assertions.Assertions;
import dev.sirocco.evals.assertions.Output;
import dev.sirocco.evals.assertions.TestGrade;
import dev.sirocco.evals.providers.Message;
import dev.sirocco.evals.providers.Provider;
import dev.sirocco.evals.providers.ProviderResponse;
import dev.sirocco.evals.providers.ResponseCache;
import dev.sirocco.evals.suite.AssertionSpec;
import dev.sirocco.evals.suite.PromptTemplate;
import dev.sirocco.evals.suite.Suite;
import dev.sirocco.evals.suite.SuiteException;
import dev.sirocco.evals.suite.TestCase;
import dev.sirocco.evals.suite.VarTemplate;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Runs the suite's matrix (providers x prompts x tests), each case {@code repeat} times, at most
 * {@code concurrency} requests at once. Every prompt and assertion value is rendered before the first request,
 * so a template error is a bad suite (exit 2), not a half-finished run.
 */
public final class EvalRunner {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * How to run: repetitions, parallel requests, the response cache (null: no caching) and the environment
     * graders read their API keys from.
     */
    public record Options(int repeat, int concurrency, ResponseCache cache, Function<String, String> env) {
        public Options {
            if (repeat < 1 || concurrency < 1) {
                throw new IllegalArgumentException("--repeat and --concurrency must be at least 1");
            }
        }

        public Options(int repeat, int concurrency, ResponseCache cache) {
            this(repeat, concurrency, cache, System::getenv);
        }
    }

    /** Told after each finished run. */
    public interface Progress {
        void runFinished(int done, int total, CaseRun run);

        Progress NONE = (d, t, r) -> {
        };
    }

    private EvalRunner() {
    }

    private record Job(String key, Provider provider, PromptTemplate prompt, int testIndex, TestCase test,
                       String testName, String rendered, List<Message> messages, int repetition) {
    }

    public static EvalReport run(Suite suite, List<Provider> providers, Options options, Progress progress) {
        long start = System.nanoTime();
        List<Job> jobs = plan(suite, providers, options.repeat());
        CaseRun[] results = new CaseRun[jobs.size()];
        AtomicInteger done = new AtomicInteger();
        try (GraderPool graders = new GraderPool(suite.baseDir(), options.env());
             ExecutorService pool = Executors.newFixedThreadPool(options.concurrency(), r -> {
            Thread t = new Thread(r, "eval-worker");
            t.setDaemon(true);
            return t;
        })) {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < jobs.size(); i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    results[index] = execute(jobs.get(index), options.cache(), graders);
                    progress.runFinished(done.incrementAndGet(), jobs.size(), results[index]);
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        }
        List<CaseRun> runs = List.of(results);
        return new EvalReport(suite.description(), options.repeat(), runs, summarize(runs),
                (System.nanoTime() - start) / 1_000_000);
    }

    private static List<Job> plan(Suite suite, List<Provider> providers, int repeat) {
        if (providers.isEmpty()) {
            throw new SuiteException("suite", 0, "no providers: declare providers in the suite or pass --provider");
        }
        List<Job> first = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (int t = 0; t < suite.tests().size(); t++) {
            TestCase test = suite.tests().get(t);
            String testName = testName(test, t);
            for (AssertionSpec a : test.asserts()) {
                renderValueChecked(a, test);
            }
            for (PromptTemplate prompt : suite.prompts()) {
                String what = "prompt '" + prompt.label() + "'";
                List<Message> messages = PromptMessages.renderedChat(prompt.template(), t0 -> renderChecked(t0, test, what));
                String rendered;
                if (messages != null) {
                    rendered = messagesJson(messages);
                } else {
                    rendered = renderChecked(prompt.template(), test, what);
                    messages = PromptMessages.of(rendered);
                }
                for (Provider provider : providers) {
                    String key = provider.label() + " | " + prompt.label() + " | " + testName;
                    int n = seen.merge(key, 1, Integer::sum);
                    first.add(new Job(n > 1 ? key + " (" + n + ")" : key, provider, prompt, t, test, testName, rendered,
                            messages, 0));
                }
            }
        }
        // repetitions run the same cases, under the same keys, as later rounds
        List<Job> jobs = new ArrayList<>(first);
        for (int r = 1; r < repeat; r++) {
            for (Job j : first) {
                jobs.add(new Job(j.key(), j.provider(), j.prompt(), j.testIndex(), j.test(), j.testName(), j.rendered(),
                        j.messages(), r));
            }
        }
        return jobs;
    }

    private static String messagesJson(List<Message> messages) {
        try {
            return JSON.writeValueAsString(messages);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String testName(TestCase test, int index) {
        if (test.description() != null) {
            return test.description();
        }
        try {
            return "test " + (index + 1) + " " + JSON.writeValueAsString(test.vars());
        } catch (JsonProcessingException e) {
            return "test " + (index + 1);
        }
    }

    private static String renderChecked(String template, TestCase test, String what) {
        try {
            return VarTemplate.render(template, test.vars());
        } catch (RuntimeException e) {
            throw new SuiteException(test.source(), test.line(), what + ": " + e.getMessage());
        }
    }

    private static void renderValueChecked(AssertionSpec a, TestCase test) {
        Object v = a.value();
        List<?> values = v instanceof List<?> l ? l : v == null ? List.of() : List.of(v);
        for (Object item : values) {
            if (item instanceof String s) {
                try {
                    VarTemplate.render(s, test.vars());
                } catch (RuntimeException e) {
                    throw new SuiteException(a.source(), a.line(), a.displayType() + " value: " + e.getMessage());
                }
            }
        }
    }

    private static CaseRun execute(Job job, ResponseCache cache, GraderPool graders) {
        ProviderResponse response = null;
        String cacheKey = null;
        if (cache != null) {
            cacheKey = ResponseCache.key(job.provider().describe(job.messages()), job.repetition());
            response = cache.get(cacheKey);
        }
        if (response == null) {
            response = job.provider().complete(job.messages());
            if (cache != null) {
                cache.put(cacheKey, response);
            }
        }
        TestGrade grade;
        if (response.error() != null) {
            grade = new TestGrade(false, 0, "provider error: " + response.error(), List.of(), Map.of());
        } else {
            Output output = new Output(response.output(), response.toolCalls(), response.latencyMs(), response.cached(),
                    job.provider().tools(), response.logprobs());
            List<AssertionResult> results = new ArrayList<>();
            for (AssertionSpec a : job.test().asserts()) {
                results.add(Assertions.evaluate(a, output, job.test().vars(), job.rendered(), graders));
            }
            grade = TestGrade.of(results, job.test().threshold());
        }
        return new CaseRun(job.key(), job.provider().label(), job.prompt().label(), job.testIndex(), job.testName(),
                job.test().vars(), job.repetition(), job.rendered(), response.output(), response.error(),
                response.latencyMs(), response.cached(), grade);
    }

    static List<CaseSummary> summarize(List<CaseRun> runs) {
        Map<String, List<CaseRun>> byKey = new LinkedHashMap<>();
        for (CaseRun r : runs) {
            byKey.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r);
        }
        List<CaseSummary> out = new ArrayList<>();
        byKey.forEach((key, list) -> {
            int passes = (int) list.stream().filter(CaseRun::pass).count();
            double mean = list.stream().mapToDouble(r -> r.grade().score()).average().orElse(0);
            double[] ci = Stats.wilson(passes, list.size(), Stats.Z95);
            CaseRun first = list.getFirst();
            out.add(new CaseSummary(key, first.provider(), first.prompt(), first.testIndex(), first.test(), list.size(),
                    passes, mean, ci[0], ci[1]));
        });
        return out;
    }
}
