package dev.sirocco.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /metrics} in Prometheus text format counts what the API answered. */
class MetricsTest {
    @TempDir
    Path dir;

    /** Sample lines {@code name{labels} value} keyed by {@code name{labels}}. */
    static Map<String, Double> samples(String text) {
        Map<String, Double> out = new HashMap<>();
        Pattern line = Pattern.compile("^([a-z_]+(?:\\{(?:[a-z_]+=\"(?:[^\"\\\\]|\\\\.)*\",?)*})?) (\\S+)$");
        for (String l : text.split("\n")) {
            if (l.startsWith("#") || l.isEmpty()) {
                continue;
            }
            Matcher m = line.matcher(l);
            assertThat(m.matches()).as("exposition line: " + l).isTrue();
            out.put(m.group(1), Double.parseDouble(m.group(2)));
        }
        return out;
    }

    @Test
    void requestsTokensQueueAndTimeToFirstTokenAreCountedPerModel() throws Exception {
        try (TestServer server = TestServer.start(dir)) {
            int generated = 0;
            int prompt = 0;
            for (int i = 0; i < 3; i++) {
                ObjectNode body = ChatCompletionsTest.request("tiny", "request " + i);
                body.put("max_tokens", 3 + i).put("seed", i);
                JsonNode r = server.post("/v1/chat/completions", body).json();
                generated += r.get("usage").get("completion_tokens").asInt();
                prompt += r.get("usage").get("prompt_tokens").asInt();
            }
            server.post("/v1/chat/completions", "{oops");
            server.get("/v1/models/none");

            TestServer.Reply m = server.get("/metrics");
            assertThat(m.status()).isEqualTo(200);
            assertThat(m.raw().headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
            Map<String, Double> s = samples(m.body());
            assertThat(s).containsEntry("sirocco_requests_total{endpoint=\"/v1/chat/completions\",status=\"200\"}", 3.0)
                    .containsEntry("sirocco_requests_total{endpoint=\"/v1/chat/completions\",status=\"400\"}", 1.0)
                    .containsEntry("sirocco_requests_total{endpoint=\"/v1/models/{id}\",status=\"404\"}", 1.0)
                    .containsEntry("sirocco_generated_tokens_total{model=\"tiny\"}", (double) generated)
                    .containsEntry("sirocco_prompt_tokens_total{model=\"tiny\"}", (double) prompt)
                    .containsEntry("sirocco_generated_tokens_total{model=\"small\"}", 0.0)
                    .containsEntry("sirocco_queue_depth{model=\"tiny\"}", 0.0)
                    .containsEntry("sirocco_time_to_first_token_seconds_count{model=\"tiny\"}", 3.0)
                    .containsEntry("sirocco_time_to_first_token_seconds_bucket{model=\"tiny\",le=\"+Inf\"}", 3.0);
            assertThat(s.get("sirocco_time_to_first_token_seconds_sum{model=\"tiny\"}")).isPositive();
            // generated tokens over generating time: the tokens/s the sequences saw
            assertThat(s.get("sirocco_generation_seconds_total{model=\"tiny\"}")).isPositive();
            assertThat(s).containsEntry("sirocco_generation_seconds_total{model=\"small\"}", 0.0);
            // the three chats share the template's opening: requests 2 and 3 resumed it from the cache
            assertThat(s.get("sirocco_prompt_cache_tokens_total{model=\"tiny\"}"))
                    .isPositive().isEqualTo((double) server.model("tiny").scheduler().reusedPromptTokens());
            assertThat(s).containsEntry("sirocco_prompt_cache_tokens_total{model=\"small\"}", 0.0);
            // buckets are cumulative
            double previous = 0;
            for (double le : ServerMetrics.TTFT_BUCKETS) {
                String key = "sirocco_time_to_first_token_seconds_bucket{model=\"tiny\",le=\"" + (le == Math.rint(le) ? Long.toString((long) le) : Double.toString(le)) + "\"}";
                assertThat(s).containsKey(key);
                assertThat(s.get(key)).isGreaterThanOrEqualTo(previous);
                previous = s.get(key);
            }
        }
    }
}
