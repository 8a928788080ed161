package dev.sirocco.server;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.files.FileCreateParams;
import com.openai.models.files.FileObject;
import com.openai.models.files.FilePurpose;
import com.openai.models.finetuning.jobs.FineTuningJob;
import com.openai.models.finetuning.jobs.FineTuningJobEvent;
import com.openai.models.finetuning.jobs.JobCreateParams;
import com.openai.models.finetuning.jobs.checkpoints.FineTuningJobCheckpoint;
import dev.sirocco.testkit.ModelSpec;
import dev.sirocco.testkit.RandomModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** OpenAI's official Java SDK, whose {@code validate()} checks every required field and type, over the files and jobs API. */
class FineTuningJavaSdkTest {
    @TempDir
    Path dir;

    @Test
    void everyFileJobEventAndCheckpointPassesTheSdksValidation() throws Exception {
        Path model = RandomModels.write(ModelSpec.tinyLlama(), dir.resolve("tiny.gguf"));
        Path train = Files.writeString(dir.resolve("train.jsonl"), FineTuningJobsTest.chatData());
        try (FineTuningServer s = new FineTuningServer(dir.resolve("data"), model, 1 << 20)) {
            OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(s.base + "/v1").apiKey("not-needed-on-loopback")
                    .maxRetries(0).timeout(Duration.ofSeconds(60)).build();
            try {
                FileObject file = client.files().create(FileCreateParams.builder().file(train).purpose(FilePurpose.FINE_TUNE).build()).validate();
                assertThat(file.bytes()).isEqualTo(Files.size(train));
                assertThat(client.files().retrieve(file.id()).validate().filename()).isEqualTo("train.jsonl");
                assertThat(client.files().list().items()).extracting(f -> f.validate().id()).containsExactly(file.id());

                FineTuningJob job = client.fineTuning().jobs().create(JobCreateParams.builder().model("tiny").trainingFile(file.id())
                        .seed(5L).suffix("java")
                        .hyperparameters(JobCreateParams.Hyperparameters.builder().nEpochs(2L).batchSize(2L).build())
                        .build()).validate();
                while (!List.of(FineTuningJob.Status.SUCCEEDED, FineTuningJob.Status.FAILED, FineTuningJob.Status.CANCELLED)
                        .contains(job.status())) {
                    Thread.sleep(50);
                    job = client.fineTuning().jobs().retrieve(job.id()).validate();
                }
                assertThat(job.status()).isEqualTo(FineTuningJob.Status.SUCCEEDED);
                assertThat(job.fineTunedModel()).hasValueSatisfying(m -> assertThat(m).startsWith("ft:tiny:java:"));
                assertThat(job.seed()).isEqualTo(5L);
                assertThat(client.fineTuning().jobs().list().items()).extracting(j -> j.validate().id()).containsExactly(job.id());
                List<FineTuningJobEvent> events = client.fineTuning().jobs().listEvents(job.id()).items();
                events.forEach(FineTuningJobEvent::validate);
                assertThat(events).extracting(FineTuningJobEvent::message).contains("The job has successfully completed");
                List<FineTuningJobCheckpoint> checkpoints = client.fineTuning().jobs().checkpoints().list(job.id()).items();
                checkpoints.forEach(FineTuningJobCheckpoint::validate);
                assertThat(checkpoints.getFirst().stepNumber()).isEqualTo(4); // 2 epochs of 4 examples in batches of 2
                assertThat(client.files().delete(file.id()).validate().deleted()).isTrue();
            } finally {
                client.close();
            }
        }
    }
}
