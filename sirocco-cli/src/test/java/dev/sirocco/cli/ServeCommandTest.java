package dev.sirocco.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sirocco.testkit.ModelSpec;
import dev.sirocco.testkit.RandomModels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code sirocco serve}: refuses unsafe setups with exit 2 and serves the model's API. */
class ServeCommandTest {
    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void writeModel() {
        model = RandomModels.write(ModelSpec.tinyLlama(), dir.resolve("tiny.gguf"));
    }

    @Test
    void nonLoopbackHostWithoutKeyIsRefusedWithExit2() {
        CommandsTest.Result r = CommandsTest.run("serve", "--model", model.toString(), "--host", "0.0.0.0", "--port", "0",
                "--data-dir", dir.resolve("no-keys").toString());
        assertThat(r.exit()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(r.err()).contains("--api-key").contains("sirocco keys create").contains("0.0.0.0");
    }

    @Test
    void helpDescribesTheFlags() {
        CommandsTest.Result r = CommandsTest.run("serve", "--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("--host", "--port", "--api-key", "--threads", "--model", "--request-timeout", "--data-dir");
    }

    @Test
    void withNoModelAndAnEmptyStoreItSaysHowToGetOneWithExit2() {
        CommandsTest.Result r = CommandsTest.run("serve", "--data-dir", dir.resolve("empty-store").toString(), "--port", "0");
        assertThat(r.exit()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(r.err()).contains("--model", "sirocco pull");
    }

    @Test
    void withNoModelItServesTheDefaultModelThatShipsInTheRepository() throws Exception {
        Path home = Path.of("..").toAbsolutePath().normalize();
        assertThat(home.resolve(DefaultModel.FILE)).as("the default model is committed").isRegularFile();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String previous = System.getProperty("sirocco.home");
        System.setProperty("sirocco.home", home.toString()); // what bin/sirocco passes
        String[] args = {"serve", "--data-dir", dir.resolve("default-store").toString(), "--port", Integer.toString(port),
                "--threads", "1"};
        Thread serving = Thread.ofPlatform().daemon(true).start(() -> Main.execute(args));
        HttpClient client = HttpClient.newHttpClient();
        HttpResponse<String> models;
        try {
            models = firstModelList(client, port, serving);
        } finally {
            if (previous == null) {
                System.clearProperty("sirocco.home");
            } else {
                System.setProperty("sirocco.home", previous);
            }
        }
        assertThat(models).isNotNull();
        JsonNode list = new ObjectMapper().readTree(models.body());
        assertThat(list.get("data")).extracting(m -> m.get("id").asText()).containsExactly(DefaultModel.ID);
        assertThat(list.at("/data/0/capabilities/function_calling").asBoolean()).as("its template calls tools").isTrue();
        // a greedy chat answer, and a tool call whose arguments validate (tool_choice required is enforced)
        HttpResponse<String> chat = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"sirocco-mini\",\"max_tokens\":24,\"temperature\":0,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(chat.statusCode()).as(chat.body()).isEqualTo(200);
        assertThat(new ObjectMapper().readTree(chat.body()).at("/choices/0/message/content").asText()).isNotBlank();
        HttpResponse<String> call = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"sirocco-mini\",\"max_tokens\":40,\"temperature\":0,"
                        + "\"tool_choice\":\"required\",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
                        + "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}}}],"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"What is the weather in Oslo?\"}]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(call.statusCode()).as(call.body()).isEqualTo(200);
        JsonNode message = new ObjectMapper().readTree(call.body()).at("/choices/0/message");
        assertThat(message.at("/tool_calls/0/function/name").asText()).isEqualTo("get_weather");
        assertThat(new ObjectMapper().readTree(message.at("/tool_calls/0/function/arguments").asText()).get("city").isTextual()).isTrue();
        // tool_choice auto: this model opens a call for a weather question; once opened, the call is held to the
        // schema (without that its arguments derail into prose and the answer is text, not a call). The budget is
        // roomy: a call may open only when its shortest valid form still fits in the tokens left
        HttpResponse<String> auto = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"sirocco-mini\",\"max_tokens\":200,\"temperature\":0,"
                        + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
                        + "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}}},"
                        + "{\"type\":\"function\",\"function\":{\"name\":\"search\",\"parameters\":{\"type\":\"object\","
                        + "\"properties\":{\"query\":{\"type\":\"string\"}},\"required\":[\"query\"]}}}],"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"What's the weather like in Paris?\"}]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(auto.statusCode()).as(auto.body()).isEqualTo(200);
        JsonNode autoChoice = new ObjectMapper().readTree(auto.body()).at("/choices/0");
        assertThat(autoChoice.get("finish_reason").asText()).as(auto.body()).isEqualTo("tool_calls");
        assertThat(autoChoice.at("/message/tool_calls/0/function/name").asText()).isEqualTo("get_weather");
        assertThat(new ObjectMapper().readTree(autoChoice.at("/message/tool_calls/0/function/arguments").asText()).get("city").isTextual())
                .isTrue();
    }

    @Test
    void servesTheGivenFileUnderItsFileNameAndTheStoresModelsUnderTheirIds() throws Exception {
        Path storeDir = dir.resolve("store");
        Path copy = java.nio.file.Files.copy(model, dir.resolve("copy.gguf"));
        new dev.sirocco.models.store.ModelStore(storeDir).add("tiny-chat:q8_0", copy, "test", "0".repeat(64));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String[] args = {"serve", "--model", model.toString(), "--data-dir", storeDir.toString(), "--port", Integer.toString(port),
                "--threads", "1", "--ctx", "64"};
        // serve runs until the JVM stops; a daemon thread leaves it to the end of the test run
        Thread serving = Thread.ofPlatform().daemon(true).start(() -> Main.execute(args));
        HttpClient client = HttpClient.newHttpClient();
        HttpResponse<String> models = firstModelList(client, port, serving);
        JsonNode list = new ObjectMapper().readTree(models.body());
        assertThat(list.get("data")).extracting(m -> m.get("id").asText()).containsExactly("tiny", "tiny-chat:q8_0");
        assertThat(list.get("data").get(0).get("max_context_length").asInt()).isEqualTo(64);
        // the store's model loads on its first request
        HttpResponse<String> chat = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"tiny-chat:q8_0\",\"max_tokens\":2,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(chat.statusCode()).as(chat.body()).isEqualTo(200);
    }

    @Test
    void fineTunesAnUploadAndServesTheResultWithUploadsBoundedByMaxUpload() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String[] args = {"serve", "--model", model.toString(), "--data-dir", dir.resolve("tuning").toString(), "--port",
                Integer.toString(port), "--threads", "1", "--ctx", "64", "--max-upload", "2K"};
        Thread serving = Thread.ofPlatform().daemon(true).start(() -> Main.execute(args));
        String base = "http://127.0.0.1:" + port + "/v1";
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        ObjectMapper json = new ObjectMapper();
        String data = "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}, {\"role\": \"assistant\", \"content\": \"hello\"}]}\n";
        HttpResponse<String> upload = null;
        for (int i = 0; i < 200 && upload == null; i++) {
            try {
                upload = client.send(multipart(base + "/files", data), HttpResponse.BodyHandlers.ofString());
            } catch (ConnectException e) {
                assertThat(serving.isAlive()).as("serve exited early").isTrue();
                Thread.sleep(50);
            }
        }
        assertThat(upload).isNotNull();
        assertThat(upload.statusCode()).as(upload.body()).isEqualTo(200);
        String fileId = json.readTree(upload.body()).get("id").asText();
        assertThat(client.send(multipart(base + "/files", data.repeat(40)), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(413);

        HttpResponse<String> created = client.send(HttpRequest.newBuilder(URI.create(base + "/fine_tuning/jobs"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\": \"tiny\", \"training_files\": [{\"file_id\": \"" + fileId
                        + "\"}], \"hyperparameters\": {\"training_steps\": 2, \"seq_len\": 32}}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        String jobId = json.readTree(created.body()).get("id").asText();
        JsonNode job;
        do {
            Thread.sleep(50);
            job = json.readTree(client.send(HttpRequest.newBuilder(URI.create(base + "/fine_tuning/jobs/" + jobId)).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
        } while (!job.get("status").asText().matches("SUCCESS|FAILED|FAILED_VALIDATION|CANCELLED")); // Mistral's request, Mistral's names
        assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("SUCCESS");
        HttpResponse<String> chat = client.send(HttpRequest.newBuilder(URI.create(base + "/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + job.get("fine_tuned_model").asText()
                        + "\",\"max_tokens\":2,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(chat.statusCode()).as(chat.body()).isEqualTo(200);
        assertThat(json.readTree(chat.body()).get("model").asText()).isEqualTo(job.get("fine_tuned_model").asText());
    }

    /** GET /v1/models once the server started by {@code serving} listens (up to 20 s). */
    private static HttpResponse<String> firstModelList(HttpClient client, int port, Thread serving) throws Exception {
        for (int i = 0; i < 400; i++) {
            try {
                return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/models")).build(),
                        HttpResponse.BodyHandlers.ofString());
            } catch (ConnectException e) {
                assertThat(serving.isAlive()).as("serve exited early").isTrue();
                Thread.sleep(50);
            }
        }
        throw new AssertionError("serve did not listen on port " + port + " within 20 s");
    }

    private static HttpRequest multipart(String url, String content) {
        return multipart(url, "fine-tune", "train.jsonl", content);
    }

    /** A POST /v1/files upload of {@code content} as {@code filename} with {@code purpose}. */
    static HttpRequest multipart(String url, String purpose, String filename, String content) {
        String boundary = "sirocco-boundary";
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\n" + purpose + "\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename + "\"\r\n\r\n"
                + content + "\r\n--" + boundary + "--\r\n";
        return HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }
}
