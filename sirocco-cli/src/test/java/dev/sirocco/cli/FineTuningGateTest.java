package dev.sirocco.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sirocco.testkit.ModelSpec;
import dev.sirocco.testkit.RandomModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fine-tuning gate through the real {@code serve}: a job that names an eval suite is evaluated against its base
 * after training, and its model is promoted only when it passes significantly more often.
 */
class FineTuningGateTest {
    @TempDir
    Path dir;

    /** Word pairs a random model cannot produce and a LoRA learns in a few dozen steps. */
    static final String[][] PAIRS = {{"people", "water"}, {"world", "made"}, {"water", "people"}, {"made", "world"}};

    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    final ObjectMapper json = new ObjectMapper();

    private JsonNode send(HttpRequest r) throws Exception {
        HttpResponse<String> res = client.send(r, HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        return json.readTree(res.body());
    }

    private HttpRequest post(String url, String body) {
        return HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    @Test
    @Timeout(300)
    void aJobThatBeatsItsBaseOnTheSuiteIsPromotedAndOneThatCannotIsNot() throws Exception {
        Path model = RandomModels.write(ModelSpec.tinyLlama(), dir.resolve("tiny.gguf"));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String[] args = {"serve", "--model", model.toString(), "--data-dir", dir.resolve("data").toString(), "--port",
                Integer.toString(port), "--threads", "1", "--ctx", "128"};
        Thread serving = Thread.ofPlatform().daemon(true).start(() -> Main.execute(args));
        String base = "http://127.0.0.1:" + port + "/v1";

        StringBuilder training = new StringBuilder();
        StringBuilder learned = new StringBuilder("prompts: ['{{q}}']\nproviders: [openai:chat:placeholder]\n"
                + "defaultTest: {options: {}}\ntests:\n");
        for (String[] p : PAIRS) {
            training.append("{\"messages\": [{\"role\": \"user\", \"content\": \"").append(p[0])
                    .append("\"}, {\"role\": \"assistant\", \"content\": \"").append(p[1]).append("\"}]}\n");
            learned.append("  - vars: {q: ").append(p[0]).append("}\n    assert: [{type: contains, value: ").append(p[1]).append("}]\n");
        }
        // a suite neither model can pass: no significant difference, so no promotion
        String impossible = "prompts: ['{{q}}']\nproviders: [openai:chat:placeholder]\ntests:\n"
                + "  - vars: {q: people}\n    assert: [{type: contains, value: 'never said by either model'}]\n";

        JsonNode trainFile = null;
        for (int i = 0; i < 200 && trainFile == null; i++) {
            try {
                trainFile = send(ServeCommandTest.multipart(base + "/files", "fine-tune", "train.jsonl", training.toString()));
            } catch (ConnectException e) {
                assertThat(serving.isAlive()).as("serve exited early").isTrue();
                Thread.sleep(50);
            }
        }
        assertThat(trainFile).isNotNull();
        String suite = send(ServeCommandTest.multipart(base + "/files", "evals", "suite.yaml", learned.toString())).get("id").asText();
        String hopeless = send(ServeCommandTest.multipart(base + "/files", "evals", "hopeless.yaml", impossible)).get("id").asText();

        // a suite uploaded for fine-tuning is refused, naming the field
        HttpResponse<String> wrong = client.send(post(base + "/fine_tuning/jobs", job(trainFile.get("id").asText(),
                trainFile.get("id").asText())), HttpResponse.BodyHandlers.ofString());
        assertThat(wrong.statusCode()).isEqualTo(400);
        assertThat(json.readTree(wrong.body()).get("error").get("param").asText()).isEqualTo("eval_suite");

        String good = send(post(base + "/fine_tuning/jobs", job(trainFile.get("id").asText(), suite))).get("id").asText();
        String bad = send(post(base + "/fine_tuning/jobs", job(trainFile.get("id").asText(), hopeless))).get("id").asText();

        JsonNode promoted = awaitEvaluation(base, good);
        assertThat(promoted.get("base_passed").asInt()).as(promoted.toString()).isZero();
        assertThat(promoted.get("fine_tuned_passed").asInt()).as(promoted.toString()).isEqualTo(4);
        assertThat(promoted.get("runs").asInt()).isEqualTo(4);
        assertThat(promoted.get("p_value").asDouble()).isLessThan(0.05);
        assertThat(promoted.get("promoted").asBoolean()).isTrue();

        JsonNode notPromoted = awaitEvaluation(base, bad);
        assertThat(notPromoted.get("fine_tuned_passed").asInt()).isZero();
        assertThat(notPromoted.get("promoted").asBoolean()).as(notPromoted.toString()).isFalse();

        // the model cards say which fine-tuned model was promoted
        String goodModel = send(HttpRequest.newBuilder(URI.create(base + "/fine_tuning/jobs/" + good)).build()).get("fine_tuned_model").asText();
        String badModel = send(HttpRequest.newBuilder(URI.create(base + "/fine_tuning/jobs/" + bad)).build()).get("fine_tuned_model").asText();
        assertThat(send(HttpRequest.newBuilder(URI.create(base + "/models/" + goodModel)).build()).get("promoted").asBoolean()).isTrue();
        assertThat(send(HttpRequest.newBuilder(URI.create(base + "/models/" + badModel)).build()).get("promoted").asBoolean()).isFalse();
    }

    private static String job(String trainingFile, String suite) {
        return "{\"model\": \"tiny\", \"training_files\": [{\"file_id\": \"" + trainingFile + "\", \"weight\": 1}],"
                + " \"hyperparameters\": {\"training_steps\": 30, \"learning_rate\": 0.01, \"seq_len\": 64}, \"seed\": 3,"
                + " \"eval_suite\": \"" + suite + "\"}";
    }

    private JsonNode awaitEvaluation(String base, String job) throws Exception {
        while (true) {
            JsonNode j = send(HttpRequest.newBuilder(URI.create(base + "/fine_tuning/jobs/" + job)).build());
            // a Mistral-shaped request's job: Mistral's status names
            assertThat(j.get("status").asText()).as(j.toString()).isIn("VALIDATING", "QUEUED", "RUNNING", "SUCCESS");
            JsonNode ev = j.get("evaluation");
            if (ev != null && ev.get("status").asText().equals("done")) {
                return ev;
            }
            Thread.sleep(100);
        }
    }
}
