package dev.sirocco.server;

import dev.sirocco.engine.runtime.Scheduler;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToIntFunction;

/**
 * Counters behind {@code GET /metrics}, written in Prometheus' text exposition format (version 0.0.4):
 * requests by endpoint and status, prompt and generated tokens, queue depth and time to first token per model.
 */
final class ServerMetrics {
    /** Upper bounds of the time-to-first-token histogram, seconds. */
    static final double[] TTFT_BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};

    private record RequestKey(String endpoint, int status) {
    }

    private static final class ModelCounters {
        final LongAdder promptTokens = new LongAdder();
        final LongAdder generatedTokens = new LongAdder();
        final LongAdder cancelled = new LongAdder();
        final AtomicLongArray ttftBuckets = new AtomicLongArray(TTFT_BUCKETS.length); // non-cumulative counts
        final LongAdder ttftCount = new LongAdder();
        final LongAdder ttftNanos = new LongAdder();
        final LongAdder generationNanos = new LongAdder();
    }

    private final Map<RequestKey, LongAdder> requests = new ConcurrentHashMap<>();
    private final Map<String, ModelCounters> models = new ConcurrentHashMap<>();

    /** One answered request; {@code endpoint} is the route pattern, never the raw path (bounded label values). */
    void request(String endpoint, int status) {
        requests.computeIfAbsent(new RequestKey(endpoint, status), k -> new LongAdder()).increment();
    }

    /** A finished choice: its prompt and generated tokens, and the time it spent generating after its prompt. */
    void tokens(String model, int prompt, int generated, long generationNanos) {
        ModelCounters c = counters(model);
        c.promptTokens.add(prompt);
        c.generatedTokens.add(generated);
        c.generationNanos.add(generationNanos);
    }

    /** A generation abandoned because its client went away. */
    void cancelled(String model) {
        counters(model).cancelled.increment();
    }

    void timeToFirstToken(String model, long nanos) {
        ModelCounters c = counters(model);
        double seconds = nanos / 1e9;
        for (int i = 0; i < TTFT_BUCKETS.length; i++) {
            if (seconds <= TTFT_BUCKETS[i]) {
                c.ttftBuckets.incrementAndGet(i);
                break;
            }
        }
        c.ttftCount.increment();
        c.ttftNanos.add(nanos);
    }

    private ModelCounters counters(String model) {
        return models.computeIfAbsent(model, k -> new ModelCounters());
    }

    /** The exposition text; queue gauges are for the models {@code loaded} now. */
    String render(java.util.List<ServedModel> loaded) {
        Map<String, Scheduler> queues = new TreeMap<>();
        loaded.forEach(m -> {
            queues.put(m.id(), m.scheduler());
            counters(m.id()); // a served model's counters exist from the start, at zero
        });
        StringBuilder out = new StringBuilder();
        out.append("# HELP sirocco_requests_total HTTP requests answered, by endpoint and status.\n");
        out.append("# TYPE sirocco_requests_total counter\n");
        Map<String, Long> sorted = new TreeMap<>();
        requests.forEach((k, v) -> sorted.put("{endpoint=\"" + escape(k.endpoint()) + "\",status=\"" + k.status() + "\"}", v.sum()));
        sorted.forEach((labels, v) -> out.append("sirocco_requests_total").append(labels).append(' ').append(v).append('\n'));

        Map<String, ModelCounters> byModel = new TreeMap<>(models);
        counter(out, "sirocco_prompt_tokens_total", "Prompt tokens evaluated.", byModel, c -> c.promptTokens.sum());
        counter(out, "sirocco_generated_tokens_total", "Tokens generated.", byModel, c -> c.generatedTokens.sum());
        // tokens/s per model: rate(sirocco_generated_tokens_total) over wall time, or generated tokens over this
        // counter for the speed each sequence saw while it generated
        out.append("# HELP sirocco_generation_seconds_total Time sequences spent generating after their prompts.\n");
        out.append("# TYPE sirocco_generation_seconds_total counter\n");
        byModel.forEach((m, c) -> out.append("sirocco_generation_seconds_total{model=\"").append(escape(m)).append("\"} ")
                .append(format(c.generationNanos.sum() / 1e9)).append('\n'));
        counter(out, "sirocco_cancelled_requests_total", "Generations stopped because the client went away.", byModel,
                c -> c.cancelled.sum());

        out.append("# HELP sirocco_queue_depth Sequences (choices) waiting for a slot of the model.\n");
        out.append("# TYPE sirocco_queue_depth gauge\n");
        queues.forEach((m, q) -> gaugeLine(out, "sirocco_queue_depth", m, q, Scheduler::queueDepth));
        out.append("# HELP sirocco_running_requests Sequences (choices) generating now, batched together.\n");
        out.append("# TYPE sirocco_running_requests gauge\n");
        queues.forEach((m, q) -> gaugeLine(out, "sirocco_running_requests", m, q, Scheduler::activeSequences));
        out.append("# HELP sirocco_prompt_cache_tokens_total Prompt tokens not evaluated again: a finished sequence's cache held them.\n");
        out.append("# TYPE sirocco_prompt_cache_tokens_total counter\n");
        queues.forEach((m, q) -> out.append("sirocco_prompt_cache_tokens_total{model=\"").append(escape(m))
                .append("\"} ").append(q.reusedPromptTokens()).append('\n'));
        // per engine, so under the base model's id: its fine-tunes run in its scheduler
        out.append("# HELP sirocco_mixed_adapter_passes_total Forward passes that held sequences of different LoRA fine-tunes"
                + " (or fine-tunes and their base) together.\n");
        out.append("# TYPE sirocco_mixed_adapter_passes_total counter\n");
        loaded.stream().filter(m -> m.adapters() == null).sorted(java.util.Comparator.comparing(ServedModel::id))
                .forEach(m -> out.append("sirocco_mixed_adapter_passes_total{model=\"").append(escape(m.id()))
                        .append("\"} ").append(m.scheduler().mixedAdapterPasses()).append('\n'));

        out.append("# HELP sirocco_time_to_first_token_seconds From request arrival to the first generated token.\n");
        out.append("# TYPE sirocco_time_to_first_token_seconds histogram\n");
        byModel.forEach((m, c) -> {
            long cumulative = 0;
            String label = "model=\"" + escape(m) + "\"";
            for (int i = 0; i < TTFT_BUCKETS.length; i++) {
                cumulative += c.ttftBuckets.get(i);
                out.append("sirocco_time_to_first_token_seconds_bucket{").append(label).append(",le=\"")
                        .append(format(TTFT_BUCKETS[i])).append("\"} ").append(cumulative).append('\n');
            }
            long count = c.ttftCount.sum();
            out.append("sirocco_time_to_first_token_seconds_bucket{").append(label).append(",le=\"+Inf\"} ").append(count).append('\n');
            out.append("sirocco_time_to_first_token_seconds_sum{").append(label).append("} ")
                    .append(format(c.ttftNanos.sum() / 1e9)).append('\n');
            out.append("sirocco_time_to_first_token_seconds_count{").append(label).append("} ").append(count).append('\n');
        });
        return out.toString();
    }

    private static void counter(StringBuilder out, String name, String help, Map<String, ModelCounters> byModel,
                                java.util.function.ToLongFunction<ModelCounters> value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" counter\n");
        byModel.forEach((m, c) -> out.append(name).append("{model=\"").append(escape(m)).append("\"} ")
                .append(value.applyAsLong(c)).append('\n'));
    }

    private static void gaugeLine(StringBuilder out, String name, String model, Scheduler q,
                                  ToIntFunction<Scheduler> value) {
        out.append(name).append("{model=\"").append(escape(model)).append("\"} ").append(value.applyAsInt(q)).append('\n');
    }

    private static String format(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : String.format(Locale.ROOT, "%s", d);
    }

    /** Label values escape backslash, quote and newline (exposition format). */
    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
