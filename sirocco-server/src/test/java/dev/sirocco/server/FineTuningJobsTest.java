package dev.sirocco.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sirocco.testkit.ModelSpec;
import dev.sirocco.testkit.RandomModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The files and fine-tuning jobs API over HTTP: uploads, validation, bad requests, unknown ids, and jobs surviving a restart. */
class FineTuningJobsTest {
    static final String[][] PAIRS = {{"people", "water"}, {"world", "made"}, {"water", "people"}, {"made", "world"}};

    @TempDir
    Path dir;

    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    static String chatData() {
        StringBuilder sb = new StringBuilder();
        for (String[] p : PAIRS) {
            sb.append("{\"messages\": [{\"role\": \"user\", \"content\": \"").append(p[0])
                    .append("\"}, {\"role\": \"assistant\", \"content\": \"").append(p[1]).append("\"}]}\n");
        }
        return sb.toString();
    }

    record Reply(int status, String body) {
        JsonNode json() throws Exception {
            return TestServer.JSON.readTree(body);
        }
    }

    Reply upload(String base, String filename, byte[] content, String purpose) throws Exception {
        String boundary = "----sirocco-test-boundary";
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        if (purpose != null) {
            b.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\n" + purpose + "\r\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        b.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename
                + "\"\r\nContent-Type: application/jsonl\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        b.writeBytes(content);
        b.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return send(HttpRequest.newBuilder(URI.create(base + "/v1/files"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(b.toByteArray())).build());
    }

    Reply get(String url) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(url)).GET().build());
    }

    Reply post(String url, String json) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    /** The Authorization header requests carry, or null for none. */
    String auth;

    Reply send(HttpRequest r) throws Exception {
        if (auth != null) {
            r = HttpRequest.newBuilder(r, (name, value) -> true).header("Authorization", auth).build();
        }
        HttpResponse<String> res = client.send(r, HttpResponse.BodyHandlers.ofString());
        return new Reply(res.statusCode(), res.body());
    }

    Path model() throws Exception {
        return RandomModels.write(ModelSpec.tinyLlama(), dir.resolve("tiny.gguf"));
    }

    @Test
    void badTrainingFilesAreRejectedWithTheLineAndNothingStoredIsLost() throws Exception {
        Path data = dir.resolve("data");
        try (FineTuningServer s = new FineTuningServer(data, model(), 1 << 20)) {
            Reply good = upload(s.base, "train.jsonl", chatData().getBytes(StandardCharsets.UTF_8), "fine-tune");
            assertThat(good.status()).as(good.body()).isEqualTo(200);
            String goodId = good.json().get("id").asText();
            assertThat(good.json().get("bytes").asLong()).isEqualTo(chatData().getBytes(StandardCharsets.UTF_8).length);
            assertThat(good.json().get("num_lines").asInt()).isEqualTo(4);

            String[] bad = {
                    chatData() + "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}, {\"role\": \"assistant\", \"content\": \"yo\"}\n",
                    chatData() + "\n{\"prompt\": \"x\"}\n",
                    "{\"messages\": [{\"role\": \"wizard\", \"content\": \"hi\"}]}\n",
                    "{\"messages\": [{\"role\": \"user\", \"content\": 3}, {\"role\": \"assistant\", \"content\": \"x\"}]}\n",
                    "{\"messages\": [{\"role\": \"user\", \"content\": \"only a question\"}]}\n"};
            String[] where = {"line 5", "line 6", "line 1", "line 1", "line 1"};
            String[] what = {"not valid JSON", "\"messages\"", "role", "content", "assistant"};
            for (int i = 0; i < bad.length; i++) {
                Reply r = upload(s.base, "bad.jsonl", bad[i].getBytes(StandardCharsets.UTF_8), "fine-tune");
                assertThat(r.status()).as(r.body()).isEqualTo(400);
                JsonNode e = r.json().get("error");
                assertThat(e.get("message").asText()).contains("bad.jsonl " + where[i]).contains(what[i]);
                assertThat(e.get("param").asText()).isEqualTo("file");
            }
            Reply badPurpose = upload(s.base, "train.jsonl", chatData().getBytes(StandardCharsets.UTF_8), "homework");
            assertThat(badPurpose.status()).isEqualTo(400);
            assertThat(badPurpose.json().get("error").get("param").asText()).isEqualTo("purpose");
            Reply tooBig = upload(s.base, "big.jsonl", new byte[(1 << 20) + 1], "fine-tune");
            assertThat(tooBig.status()).isEqualTo(413);
            Reply notMultipart = post(s.base + "/v1/files", "{\"purpose\": \"fine-tune\"}");
            assertThat(notMultipart.status()).isEqualTo(400);

            // only the good upload exists, whole; no partial upload is left on disk
            JsonNode list = get(s.base + "/v1/files").json();
            assertThat(list.get("data")).extracting(n -> n.get("id").asText()).containsExactly(goodId);
            assertThat(get(s.base + "/v1/files/" + goodId + "/content").body()).isEqualTo(chatData());
            try (var files = Files.list(data.resolve("files"))) {
                assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly(goodId);
            }
        }
    }

    @Test
    void uploadsMayExceedTheJsonBodyLimitWhichStillHoldsForJson() throws Exception {
        long jsonLimit = ServerOptions.DEFAULT_MAX_BODY_BYTES;
        try (FineTuningServer s = new FineTuningServer(dir.resolve("data"), model(), 4 * jsonLimit)) {
            String line = chatData().lines().findFirst().orElseThrow() + "\n";
            byte[] big = line.repeat((int) (2 * jsonLimit / line.length())).getBytes(StandardCharsets.UTF_8);
            Reply up = upload(s.base, "big.jsonl", big, "fine-tune");
            assertThat(up.status()).as(up.body()).isEqualTo(200);
            assertThat(up.json().get("bytes").asLong()).isEqualTo(big.length).isGreaterThan(jsonLimit);
            Reply json = post(s.base + "/v1/fine_tuning/jobs", "{\"model\": \"tiny\", \"suffix\": \"" + "x".repeat((int) jsonLimit) + "\"}");
            assertThat(json.status()).isEqualTo(413);
        }
    }

    @Test
    void badJobRequestsNameTheFieldAndUnknownIdsAre404() throws Exception {
        try (FineTuningServer s = new FineTuningServer(dir.resolve("data"), model(), 1 << 20)) {
            JsonNode uploaded = upload(s.base, "../up/dir\\\\train.jsonl", chatData().getBytes(StandardCharsets.UTF_8), "fine-tune").json();
            assertThat(uploaded.get("filename").asText()).isEqualTo("train.jsonl"); // folders a client sends are dropped
            String file = uploaded.get("id").asText();
            String[][] cases = {
                    {"{\"training_file\": \"" + file + "\"}", "model"},
                    {"{\"model\": \"tiny\"}", "training_file"},
                    {"{\"model\": \"tiny\", \"training_file\": \"" + file + "\", \"hyperparameters\": {\"n_epochs\": 0}}", "hyperparameters.n_epochs"},
                    {"{\"model\": \"tiny\", \"training_file\": \"" + file + "\", \"hyperparameters\": {\"batch_size\": \"big\"}}", "hyperparameters.batch_size"},
                    {"{\"model\": \"tiny\", \"training_file\": \"" + file + "\", \"hyperparameters\": {\"learning_rate_multiplier\": -1}}", "hyperparameters.learning_rate_multiplier"},
                    {"{\"model\": \"tiny\", \"training_files\": [{\"file_id\": \"" + file + "\", \"weight\": 2}]}", "training_files[0].weight"},
                    {"{\"model\": \"tiny\", \"training_files\": [{\"weight\": 1}]}", "training_files[0].file_id"},
                    {"{\"model\": \"tiny\", \"training_file\": \"" + file + "\", \"hyperparameters\": {\"warmup_fraction\": 2}}", "hyperparameters.warmup_fraction"},
                    {"{\"model\": \"tiny\", \"training_file\": \"" + file + "\", \"suffix\": \"has spaces\"}", "suffix"},
                    {"{\"model\": \"tiny\", \"training_file\": \"" + file + "\", \"seed\": 1.5}", "seed"},
                    {"{\"model\": \"tiny\", \"training_file\": \"" + file + "\", \"temperature\": 1}", "temperature"},
                    {"{\"model\": \"tiny\", \"training_file\": \"" + file + "\", \"hyperparameters\": {\"rank\": 4}}", "hyperparameters.rank"},
            };
            for (String[] c : cases) {
                Reply r = post(s.base + "/v1/fine_tuning/jobs", c[0]);
                assertThat(r.status()).as(c[0] + " -> " + r.body()).isEqualTo(400);
                assertThat(r.json().get("error").get("param").asText()).as(r.body()).isEqualTo(c[1]);
            }
            Reply noModel = post(s.base + "/v1/fine_tuning/jobs", "{\"model\": \"nope\", \"training_file\": \"" + file + "\"}");
            assertThat(noModel.status()).isEqualTo(404);
            assertThat(noModel.json().get("error").get("param").asText()).isEqualTo("model");
            Reply noFile = post(s.base + "/v1/fine_tuning/jobs", "{\"model\": \"tiny\", \"training_file\": \"file-nope\"}");
            assertThat(noFile.status()).isEqualTo(404);
            assertThat(noFile.json().get("error").get("param").asText()).isEqualTo("training_file");
            assertThat(get(s.base + "/v1/fine_tuning/jobs").json().get("data")).isEmpty(); // nothing was created

            for (String path : List.of("/v1/files/file-nope", "/v1/files/file-nope/content", "/v1/fine_tuning/jobs/ftjob-nope",
                    "/v1/fine_tuning/jobs/ftjob-nope/events", "/v1/fine_tuning/jobs/ftjob-nope/checkpoints")) {
                Reply r = get(s.base + path);
                assertThat(r.status()).as(path).isEqualTo(404);
                assertThat(r.json().get("error").get("message").asText()).contains("nope");
            }
            assertThat(post(s.base + "/v1/fine_tuning/jobs/ftjob-nope/cancel", "").status()).isEqualTo(404);
            assertThat(send(HttpRequest.newBuilder(URI.create(s.base + "/v1/files/file-nope")).DELETE().build()).status()).isEqualTo(404);
        }
    }

    static final String MISTRAL_JOB = "{\"model\": \"tiny\", \"training_files\": [{\"file_id\": \"%s\", \"weight\": 1}],"
            + " \"hyperparameters\": {\"training_steps\": %d, \"learning_rate\": 0.01, \"seq_len\": 64}, \"seed\": 3, \"auto_start\": true}";

    @Test
    void jobsSurviveARestartAndEndAsAnUninterruptedRunWould() throws Exception {
        Path data = dir.resolve("data");
        Path model = model();
        int steps = 30;
        String running;
        String queued;
        String file;
        try (FineTuningServer s = new FineTuningServer(data, model, 1 << 20)) {
            file = upload(s.base, "train.jsonl", chatData().getBytes(StandardCharsets.UTF_8), "fine-tune").json().get("id").asText();
            running = post(s.base + "/v1/fine_tuning/jobs", MISTRAL_JOB.formatted(file, steps)).json().get("id").asText();
            queued = post(s.base + "/v1/fine_tuning/jobs", MISTRAL_JOB.formatted(file, 2)).json().get("id").asText();
            // stop once the first job has saved a checkpoint (every 3 steps) and is still running
            while (get(s.base + "/v1/fine_tuning/jobs/" + running + "/checkpoints").json().get("data").isEmpty()) {
                JsonNode j = get(s.base + "/v1/fine_tuning/jobs/" + running).json();
                assertThat(j.get("status").asText()).as(j.toString()).isIn("QUEUED", "RUNNING"); // a Mistral request's job
                Thread.sleep(20);
            }
        }
        JsonNode before;
        try (FineTuningServer s = new FineTuningServer(data, model, 1 << 20)) {
            before = get(s.base + "/v1/fine_tuning/jobs/" + running).json();
        }
        assertThat(before.get("status").asText()).isIn("QUEUED", "RUNNING"); // requeued at start, maybe picked up already

        try (FineTuningServer s = new FineTuningServer(data, model, 1 << 20)) {
            JsonNode first = awaitFinished(s.base, running);
            JsonNode second = awaitFinished(s.base, queued);
            assertThat(first.get("status").asText()).as(first.toString()).isEqualTo("SUCCESS");
            assertThat(second.get("status").asText()).as(second.toString()).isEqualTo("SUCCESS");
            List<String> messages = new ArrayList<>();
            get(s.base + "/v1/fine_tuning/jobs/" + running + "/events?limit=1000").json().get("data")
                    .forEach(e -> messages.add(e.get("message").asText()));
            assertThat(messages).anyMatch(m -> m.contains("server is stopping")).anyMatch(m -> m.contains("restarted"));
            // resumed, not restarted: some step ran before the stop and the steps after it were not all run again
            long stepEvents = messages.stream().filter(m -> m.startsWith("Step ")).count();
            assertThat(stepEvents).isLessThan(2L * steps);
            assertThat(messages).anyMatch(m -> m.startsWith("Step " + steps + "/" + steps + ": training loss="));

            // the same job run without interruption gives the same adapter, byte for byte
            String again = post(s.base + "/v1/fine_tuning/jobs", MISTRAL_JOB.formatted(file, steps)).json().get("id").asText();
            assertThat(awaitFinished(s.base, again).get("status").asText()).isEqualTo("SUCCESS");
            assertThat(Files.readAllBytes(data.resolve("adapters").resolve(again + ".gguf")))
                    .isEqualTo(Files.readAllBytes(data.resolve("adapters").resolve(running + ".gguf")));
            assertThat(data.resolve("fine_tuning").resolve(running)).doesNotExist(); // checkpoints go once the job is done
        }
    }

    @Test
    void aMistralJobCreatedWithoutAutoStartWaitsValidatedThroughARestartUntilStarted() throws Exception {
        Path data = dir.resolve("data");
        Path model = model();
        String waiting;
        String openAi;
        String jobs;
        try (FineTuningServer s = new FineTuningServer(data, model, 1 << 20)) {
            jobs = s.base + "/v1/fine_tuning/jobs";
            String file = upload(s.base, "train.jsonl", chatData().getBytes(StandardCharsets.UTF_8), "fine-tune").json().get("id").asText();
            Reply created = post(jobs, MISTRAL_JOB.formatted(file, 2).replace("\"auto_start\": true", "\"auto_start\": false"));
            assertThat(created.status()).as(created.body()).isEqualTo(200);
            JsonNode w = created.json();
            waiting = w.get("id").asText();
            // Mistral's shape for a Mistral request's job
            assertThat(w.get("object").asText()).isEqualTo("job");
            assertThat(w.get("status").asText()).isEqualTo("VALIDATED");
            assertThat(w.get("auto_start").asBoolean()).isFalse();
            assertThat(w.get("job_type").asText()).isEqualTo("completion");
            assertThat(w.get("modified_at").asLong()).isGreaterThanOrEqualTo(w.get("created_at").asLong());
            assertThat(w.get("hyperparameters").get("training_steps").asInt()).isEqualTo(2);

            // an OpenAI request's job keeps OpenAI's shape, and runs while the Mistral job waits
            JsonNode o = post(jobs, "{\"model\": \"tiny\", \"training_file\": \"" + file + "\", \"hyperparameters\": {\"n_epochs\": 1}}").json();
            openAi = o.get("id").asText();
            assertThat(o.get("object").asText()).isEqualTo("fine_tuning.job");
            assertThat(o.get("status").asText()).isIn("queued", "running");
            assertThat(awaitFinished(s.base, openAi).get("status").asText()).isEqualTo("succeeded");
            JsonNode still = get(jobs + "/" + waiting).json();
            assertThat(still.get("status").asText()).isEqualTo("VALIDATED");
            assertThat(still.get("events")).anyMatch(e -> e.get("data").get("message").asText().contains("/start"));

            // a list in Mistral's paging is Mistral's, each job in Mistral's shape; OpenAI's list shows OpenAI's names
            JsonNode page = get(jobs + "?page=0&page_size=1").json();
            assertThat(page.get("total").asInt()).isEqualTo(2);
            assertThat(page.get("data")).hasSize(1);
            assertThat(page.get("data").get(0).get("status").asText()).isEqualTo("SUCCESS"); // newest first
            assertThat(get(jobs + "?page=1&page_size=1").json().get("data").get(0).get("id").asText()).isEqualTo(waiting);
            assertThat(get(jobs + "?limit=20").json().get("data")).extracting(j -> j.get("status").asText())
                    .containsExactly("succeeded", "validating_files");
            // a list in neither dialect's terms shows each job as its own dialect does, and counts them all
            JsonNode both = get(jobs).json();
            assertThat(both.get("data")).extracting(j -> j.get("status").asText()).containsExactly("succeeded", "VALIDATED");
            assertThat(both.get("total").asInt()).isEqualTo(2);
            assertThat(get(jobs + "?page=-1").status()).isEqualTo(400);
            Reply filtered = get(jobs + "?page=0&status=SUCCESS");
            assertThat(filtered.status()).isEqualTo(400);
            assertThat(filtered.json().get("error").get("param").asText()).isEqualTo("status");
        }
        try (FineTuningServer s = new FineTuningServer(data, model, 1 << 20)) {
            jobs = s.base + "/v1/fine_tuning/jobs";
            assertThat(get(jobs + "/" + waiting).json().get("status").asText()).as("still waiting after a restart").isEqualTo("VALIDATED");
            Reply started = post(jobs + "/" + waiting + "/start", "");
            assertThat(started.status()).as(started.body()).isEqualTo(200);
            assertThat(started.json().get("status").asText()).isIn("QUEUED", "RUNNING", "SUCCESS");
            Reply again = post(jobs + "/" + waiting + "/start", "");
            assertThat(again.status()).isEqualTo(400);
            assertThat(again.json().get("error").get("code").asText()).isEqualTo("job_not_waiting");
            assertThat(post(jobs + "/" + openAi + "/start", "").status()).isEqualTo(400);
            assertThat(post(jobs + "/ftjob-nope/start", "").status()).isEqualTo(404);
            JsonNode done = awaitFinished(s.base, waiting);
            assertThat(done.get("status").asText()).isEqualTo("SUCCESS");
            JsonNode details = get(jobs + "/" + waiting).json();
            assertThat(details.get("fine_tuned_model").asText()).startsWith("ft:tiny:");
            assertThat(details.get("checkpoints")).isNotEmpty();
            assertThat(details.get("checkpoints").get(0).get("step_number").asInt()).isEqualTo(2);
            assertThat(details.get("trained_tokens").asLong()).isPositive();

            // a waiting job cancels like any other
            String file = get(s.base + "/v1/files").json().get("data").get(0).get("id").asText();
            String other = post(jobs, MISTRAL_JOB.formatted(file, 2).replace("\"auto_start\": true", "\"auto_start\": false"))
                    .json().get("id").asText();
            assertThat(post(jobs + "/" + other + "/cancel", "").json().get("status").asText()).isEqualTo("CANCELLED");
            assertThat(post(jobs + "/" + other + "/start", "").status()).isEqualTo(400);
        }
    }

    @Test
    void aRunningJobCancelsAndAJobWhoseFileWasDeletedFailsSayingSo() throws Exception {
        Path data = dir.resolve("data");
        try (FineTuningServer s = new FineTuningServer(data, model(), 1 << 20)) {
            String longFile = upload(s.base, "long.jsonl", chatData().getBytes(StandardCharsets.UTF_8), "fine-tune").json().get("id").asText();
            String goneFile = upload(s.base, "gone.jsonl", chatData().getBytes(StandardCharsets.UTF_8), "fine-tune").json().get("id").asText();
            String running = post(s.base + "/v1/fine_tuning/jobs", MISTRAL_JOB.formatted(longFile, 100_000)).json().get("id").asText();
            String orphan = post(s.base + "/v1/fine_tuning/jobs", MISTRAL_JOB.formatted(goneFile, 2)).json().get("id").asText();
            assertThat(send(HttpRequest.newBuilder(URI.create(s.base + "/v1/files/" + goneFile)).DELETE().build()).status()).isEqualTo(200);
            while (!get(s.base + "/v1/fine_tuning/jobs/" + running).json().get("status").asText().equals("RUNNING")) {
                Thread.sleep(20);
            }
            Reply cancelled = post(s.base + "/v1/fine_tuning/jobs/" + running + "/cancel", "");
            assertThat(cancelled.status()).isEqualTo(200);
            // Mistral's names: the trainer may still be finishing its step
            assertThat(cancelled.json().get("status").asText()).isIn("CANCELLATION_REQUESTED", "CANCELLED");

            JsonNode failed = awaitFinished(s.base, orphan); // runs once the cancelled job has stopped
            assertThat(failed.get("status").asText()).isEqualTo("FAILED_VALIDATION");
            assertThat(failed.get("error").get("code").asText()).isEqualTo("invalid_training_file");
            assertThat(failed.get("error").get("message").asText()).contains(goneFile).contains("deleted");
            assertThat(failed.get("fine_tuned_model").isNull()).isTrue();
            JsonNode stopped = get(s.base + "/v1/fine_tuning/jobs/" + running).json();
            assertThat(stopped.get("status").asText()).isEqualTo("CANCELLED");
            assertThat(stopped.get("fine_tuned_model").isNull()).isTrue();
            assertThat(data.resolve("adapters").resolve(running + ".gguf")).doesNotExist();
            assertThat(post(s.base + "/v1/fine_tuning/jobs/" + running + "/cancel", "").status()).isEqualTo(400);
        }
        // and a restarted server leaves both as they are (an OpenAI-style list: OpenAI's names)
        try (FineTuningServer s = new FineTuningServer(data, model(), 1 << 20)) { // jobs are requeued (or not) before it answers
            JsonNode list = get(s.base + "/v1/fine_tuning/jobs?limit=10").json();
            assertThat(list.get("data")).extracting(j -> j.get("status").asText()).containsExactly("failed", "cancelled");
        }
    }

    @Test
    void eachKeySeesItsOwnFilesAndJobsAndAnAdminSeesAll() throws Exception {
        Path data = dir.resolve("data");
        try (FineTuningServer s = new FineTuningServer(data, model(), 1 << 20)) {
            var keys = new dev.sirocco.server.store.KeyStore(dev.sirocco.server.store.Database.open(data));
            String alice = "Bearer " + keys.create("alice", false, null, null).secret().value();
            String bob = "Bearer " + keys.create("bob", false, null, null).secret().value();
            String admin = "Bearer " + keys.create("admin", true, null, null).secret().value();
            auth = alice;
            String file = upload(s.base, "train.jsonl", chatData().getBytes(StandardCharsets.UTF_8), "fine-tune").json().get("id").asText();
            String job = post(s.base + "/v1/fine_tuning/jobs", MISTRAL_JOB.formatted(file, 1)).json().get("id").asText();
            assertThat(get(s.base + "/v1/files").json().get("data")).hasSize(1);

            auth = bob;
            assertThat(get(s.base + "/v1/files").json().get("data")).isEmpty();
            assertThat(get(s.base + "/v1/fine_tuning/jobs").json().get("data")).isEmpty();
            assertThat(get(s.base + "/v1/files/" + file).status()).isEqualTo(404);
            assertThat(get(s.base + "/v1/files/" + file + "/content").status()).isEqualTo(404);
            assertThat(get(s.base + "/v1/fine_tuning/jobs/" + job).status()).isEqualTo(404);
            assertThat(post(s.base + "/v1/fine_tuning/jobs/" + job + "/cancel", "").status()).isEqualTo(404);
            Reply borrowed = post(s.base + "/v1/fine_tuning/jobs", MISTRAL_JOB.formatted(file, 1));
            assertThat(borrowed.status()).isEqualTo(404);
            assertThat(borrowed.json().get("error").get("param").asText()).isEqualTo("training_files[0].file_id");

            auth = admin;
            assertThat(get(s.base + "/v1/files").json().get("data")).hasSize(1);
            JsonNode j = awaitFinished(s.base, job);
            assertThat(j.get("status").asText()).isEqualTo("SUCCESS");
            JsonNode listed = get(s.base + "/v1/fine_tuning/jobs?limit=1").json().get("data").get(0); // OpenAI's shape
            assertThat(listed.get("organization_id").asText()).startsWith("key_");
        }
    }

    JsonNode awaitFinished(String base, String id) throws Exception {
        while (true) {
            JsonNode j = get(base + "/v1/fine_tuning/jobs/" + id).json();
            String st = j.get("status").asText();
            // OpenAI's names or, for a job a Mistral-shaped request created, Mistral's
            if (List.of("succeeded", "failed", "cancelled", "SUCCESS", "FAILED", "FAILED_VALIDATION", "CANCELLED").contains(st)) {
                return j;
            }
            Thread.sleep(50);
        }
    }
}
