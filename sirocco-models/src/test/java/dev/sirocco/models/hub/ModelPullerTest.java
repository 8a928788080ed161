package dev.sirocco.models.hub;

import dev.sirocco.engine.gguf.GgufFile;
import dev.sirocco.engine.gguf.GgufTensorInfo;
import dev.sirocco.engine.gguf.GgufWriter;
import dev.sirocco.models.ModelRequestException;
import dev.sirocco.models.store.ModelManifest;
import dev.sirocco.models.store.ModelStore;
import dev.sirocco.testkit.ModelSpec;
import dev.sirocco.testkit.RandomModels;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** pull against a local imitation of the hub ({@link FakeHub}) serving GGUF files the testkit generates. */
class ModelPullerTest {
    @TempDir
    static Path shared;
    static byte[] q4;
    static byte[] q8;

    @TempDir
    Path tmp;
    FakeHub hub;
    ModelStore store;
    ByteArrayOutputStream log;

    @BeforeAll
    static void models() throws IOException {
        q4 = Files.readAllBytes(RandomModels.write(ModelSpec.tinyLlama().toBuilder().seed(4).build(), shared.resolve("a.gguf")));
        q8 = Files.readAllBytes(RandomModels.write(ModelSpec.tinyLlama().toBuilder().seed(8).build(), shared.resolve("b.gguf")));
    }

    @BeforeEach
    void start() throws IOException {
        hub = new FakeHub();
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("README.md", "# tiny".getBytes(StandardCharsets.UTF_8));
        files.put("Tiny-Llama-Q8_0.gguf", q8);
        files.put("Tiny-Llama-Q4_K_M.gguf", q4);
        hub.addRepo("acme/Tiny-Llama-GGUF", false, files);
        hub.addRepo("acme/Gated-GGUF", true, Map.of("gated-Q4_K_M.gguf", q4));
        store = new ModelStore(tmp.resolve("data"));
        log = new ByteArrayOutputStream();
    }

    @AfterEach
    void stop() {
        hub.close();
        System.clearProperty(DiskSpace.USABLE_PROPERTY);
    }

    ModelManifest pull(String ref) throws IOException {
        return pull(ref, null);
    }

    ModelManifest pull(String ref, String token) throws IOException {
        ModelPuller p = new ModelPuller(store, new HubClient(hub.endpoint(), token), new PrintStream(log, true), f -> DownloadProgress.NONE);
        return p.pull(HubReference.parse(ref, null), false);
    }

    @Test
    void pullPicksQ4KMByDefaultVerifiesAndStoresIt() throws Exception {
        ModelManifest m = pull("hf:acme/Tiny-Llama-GGUF");

        assertThat(m.id()).isEqualTo("tiny-llama:q4_k_m");
        assertThat(m.sha256()).isEqualTo(FakeHub.sha256(q4));
        assertThat(m.source()).isEqualTo("hf:acme/Tiny-Llama-GGUF/Tiny-Llama-Q4_K_M.gguf@" + FakeHub.COMMIT);
        assertThat(m.architecture()).isEqualTo("llama");
        assertThat(Files.readAllBytes(store.modelFile(m.id()))).isEqualTo(q4);
        assertThat(hub.cdnRanges).containsExactly("");
        try (Stream<Path> left = Files.list(store.downloadsDir())) {
            assertThat(left).as("no part file left behind").isEmpty();
        }

        ModelManifest again = pull("hf:acme/Tiny-Llama-GGUF:Q4_K_M");
        assertThat(again).isEqualTo(m);
        assertThat(hub.cdnRanges).as("already stored: nothing downloaded").hasSize(1);

        ModelManifest q8m = pull("hf:acme/Tiny-Llama-GGUF:q8_0");
        assertThat(q8m.id()).isEqualTo("tiny-llama:q8_0");
        assertThat(Files.readAllBytes(store.modelFile(q8m.id()))).isEqualTo(q8);
        assertThat(store.list()).hasSize(2);
    }

    @Test
    void connectionCutMidFileIsResumedWithRange() throws Exception {
        hub.cutAt = q4.length / 3;

        ModelManifest m = pull("hf:acme/Tiny-Llama-GGUF:Tiny-Llama-Q4_K_M.gguf");

        // the resume point is what reached the disk: all of the cut response, or (a dropped connection loses what is
        // in flight) a little less
        assertThat(hub.cdnRanges).hasSize(2);
        assertThat(hub.cdnRanges.get(0)).isEmpty();
        assertThat(hub.cdnRanges.get(1)).matches("bytes=[0-9]+-");
        long resumedAt = Long.parseLong(hub.cdnRanges.get(1).replaceAll("[^0-9]", ""));
        assertThat(resumedAt).isPositive().isLessThanOrEqualTo(q4.length / 3);
        assertThat(Files.readAllBytes(store.modelFile(m.id()))).isEqualTo(q4);
        assertThat(m.sha256()).isEqualTo(FakeHub.sha256(q4));
    }

    @Test
    @org.junit.jupiter.api.Timeout(60)
    void aStalledConnectionIsDroppedAfterTheStallTimeoutAndResumed() throws Exception {
        hub.stallAt = q4.length / 3;
        ModelPuller p = new ModelPuller(store, new HubClient(hub.endpoint(), null), new PrintStream(log, true),
                f -> DownloadProgress.NONE, java.time.Duration.ofMillis(500));

        ModelManifest m = p.pull(HubReference.parse("hf:acme/Tiny-Llama-GGUF", null), false);

        assertThat(hub.cdnRanges).hasSize(2);
        assertThat(hub.cdnRanges.get(1)).matches("bytes=[0-9]+-");
        assertThat(Files.readAllBytes(store.modelFile(m.id()))).isEqualTo(q4);
    }

    /** Splits a GGUF file in two as llama.cpp's gguf-split does: metadata in the first shard, split.* keys in both. */
    static List<byte[]> split(Path whole, Path dir) throws IOException {
        try (GgufFile f = GgufFile.open(whole)) {
            List<GgufTensorInfo> tensors = f.tensorInfos();
            int half = tensors.size() / 2;
            List<byte[]> out = new java.util.ArrayList<>();
            for (int shard = 0; shard < 2; shard++) {
                GgufWriter w = new GgufWriter();
                if (shard == 0) {
                    for (String key : f.metadata().keys()) {
                        w.putValue(key, f.metadata().typeOf(key), f.metadata().get(key));
                    }
                }
                w.putU16("split.no", shard).putU16("split.count", 2).putI32("split.tensors.count", tensors.size());
                for (GgufTensorInfo t : shard == 0 ? tensors.subList(0, half) : tensors.subList(half, tensors.size())) {
                    w.addTensor(t.name(), t.type(), t.shape(), f.tensor(t.name()).data());
                }
                Path p = dir.resolve("shard" + shard + ".gguf");
                w.write(p);
                out.add(Files.readAllBytes(p));
            }
            return out;
        }
    }

    @Test
    void aSplitModelIsPulledShardByShardAndJoinedIntoOneFile() throws Exception {
        Path whole = tmp.resolve("whole.gguf");
        Files.write(whole, q4);
        List<byte[]> shards = split(whole, tmp);
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("Split-Q4_K_M-00002-of-00002.gguf", shards.get(1)); // listed out of order on purpose
        files.put("Split-Q4_K_M-00001-of-00002.gguf", shards.get(0));
        hub.addRepo("acme/Split-GGUF", false, files);

        ModelManifest m = pull("hf:acme/Split-GGUF");

        assertThat(m.id()).isEqualTo("split:q4_k_m");
        assertThat(hub.cdnRanges).hasSize(2);
        try (GgufFile joined = GgufFile.open(store.modelFile(m.id())); GgufFile original = GgufFile.open(whole)) {
            assertThat(joined.metadata().keys()).containsExactlyElementsOf(original.metadata().keys());
            assertThat(joined.tensorInfos()).extracting(GgufTensorInfo::name)
                    .containsExactlyElementsOf(original.tensorInfos().stream().map(GgufTensorInfo::name).toList());
            for (GgufTensorInfo t : original.tensorInfos()) {
                assertThat(joined.tensor(t.name()).data().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE))
                        .as(t.name()).isEqualTo(original.tensor(t.name()).data().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
            }
        }
        try (Stream<Path> left = Files.list(store.downloadsDir())) {
            assertThat(left).as("shards and the joined file moved or deleted").isEmpty();
        }
    }

    @Test
    void aShardLoadedDirectlyIsRefusedWithHowToJoinIt() throws Exception {
        Path whole = tmp.resolve("whole.gguf");
        Files.write(whole, q4);
        split(whole, tmp);
        assertThatThrownBy(() -> dev.sirocco.engine.runtime.Engine.load(tmp.resolve("shard1.gguf"),
                dev.sirocco.engine.runtime.EngineOptions.defaults().withThreads(1)))
                .isInstanceOf(dev.sirocco.engine.model.UnsupportedModelException.class)
                .hasMessageContaining("shard 2 of 2").hasMessageContaining("llama-gguf-split --merge");
    }

    @Test
    void aSplitModelWithAShardMissingOnTheHubSaysWhichOne() throws Exception {
        Path whole = tmp.resolve("whole.gguf");
        Files.write(whole, q4);
        hub.addRepo("acme/Broken-GGUF", false, Map.of("Broken-Q4_K_M-00001-of-00002.gguf", split(whole, tmp).get(0)));

        assertThatThrownBy(() -> pull("hf:acme/Broken-GGUF"))
                .isInstanceOf(ModelRequestException.class)
                .hasMessageContaining("Broken-Q4_K_M-00002-of-00002.gguf").hasMessageContaining("incomplete");
    }

    @Test
    void partFileLeftByAnEarlierRunIsResumed() throws Exception {
        Files.createDirectories(store.downloadsDir());
        int have = q4.length / 2;
        Files.write(store.downloadsDir().resolve("acme_Tiny-Llama-GGUF--Tiny-Llama-Q4_K_M.gguf.part"),
                java.util.Arrays.copyOf(q4, have));

        ModelManifest m = pull("hf:acme/Tiny-Llama-GGUF");

        assertThat(hub.cdnRanges).containsExactly("bytes=" + have + "-");
        assertThat(Files.readAllBytes(store.modelFile(m.id()))).isEqualTo(q4);
    }

    @Test
    void corruptedByteIsCaughtByTheChecksum() {
        hub.corruptAt = q4.length / 2;

        assertThatThrownBy(() -> pull("hf:acme/Tiny-Llama-GGUF"))
                .isInstanceOf(ModelRequestException.class)
                .hasMessageStartingWith("checksum mismatch for Tiny-Llama-Q4_K_M.gguf: the hub says SHA-256 " + FakeHub.sha256(q4));
        assertThat(store.list()).isEmpty();
        assertThat(store.downloadsDir().resolve("acme_Tiny-Llama-GGUF--Tiny-Llama-Q4_K_M.gguf.part")).doesNotExist();
    }

    @Test
    void gatedRepoSaysHowToGetAccessAndWorksWithTheToken() throws Exception {
        assertThatThrownBy(() -> pull("hf:acme/Gated-GGUF"))
                .isInstanceOf(ModelRequestException.class)
                .hasMessageContaining("acme/Gated-GGUF is a gated model")
                .hasMessageContaining(hub.endpoint() + "/acme/Gated-GGUF")
                .hasMessageContaining("set HF_TOKEN");

        assertThat(pull("hf:acme/Gated-GGUF", "hf_secret").id()).isEqualTo("gated:q4_k_m");
    }

    @Test
    void tokenIsNotSentToTheHostADownloadRedirectsTo() throws Exception {
        hub.cdnHost = "localhost"; // the endpoint is 127.0.0.1: same machine, another host name
        pull("hf:acme/Gated-GGUF", "hf_secret");
        assertThat(hub.cdnRanges).hasSize(1);
        assertThat(hub.cdnAuthorizations).isEmpty();

        hub.cdnHost = null; // a relative redirect stays on the hub, which may see the token
        pull("hf:acme/Tiny-Llama-GGUF:Q8_0", "hf_secret"); // other bytes than the gated file, so it downloads
        assertThat(hub.cdnAuthorizations).containsExactly("Bearer hf_secret");
    }

    @Test
    void unknownRepoIsReportedAsNotFound() {
        assertThatThrownBy(() -> pull("hf:acme/nope"))
                .isInstanceOf(ModelRequestException.class)
                .hasMessageStartingWith("repository acme/nope not found on " + hub.endpoint());
    }

    @Test
    void missingQuantizationListsTheAvailableOnes() {
        assertThatThrownBy(() -> pull("hf:acme/Tiny-Llama-GGUF:Q6_K"))
                .isInstanceOf(ModelRequestException.class)
                .hasMessageContaining("has no Q6_K GGUF file; available: Q4_K_M, Q8_0");
    }

    @Test
    void tooLittleDiskSpaceIsReportedBeforeDownloading() {
        System.setProperty(DiskSpace.USABLE_PROPERTY, "1000");

        assertThatThrownBy(() -> pull("hf:acme/Tiny-Llama-GGUF"))
                .isInstanceOf(ModelRequestException.class)
                .hasMessageStartingWith("not enough disk space for Tiny-Llama-Q4_K_M.gguf");
        assertThat(hub.cdnRanges).isEmpty();
    }

    @Test
    void offlineUsesTheStoreOnly() throws Exception {
        ModelPuller offline = new ModelPuller(store, new HubClient(hub.endpoint(), null), new PrintStream(log, true), f -> DownloadProgress.NONE);
        assertThatThrownBy(() -> offline.pull(HubReference.parse("hf:acme/Tiny-Llama-GGUF", null), true))
                .isInstanceOf(ModelRequestException.class).hasMessageContaining("--offline");

        ModelManifest m = pull("hf:acme/Tiny-Llama-GGUF");
        hub.close();
        assertThat(offline.pull(HubReference.parse("hf:acme/Tiny-Llama-GGUF:Q4_K_M", null), true)).isEqualTo(m);
    }

    @Test
    void unreachableHubIsOneSentence() {
        hub.close();
        assertThatThrownBy(() -> pull("hf:acme/Tiny-Llama-GGUF"))
                .isInstanceOf(ModelRequestException.class).hasMessageStartingWith("cannot reach " + hub.endpoint());
    }

    @Test
    void progressBarShowsBytesSpeedAndEta() {
        ProgressBar bar = new ProgressBar(new PrintStream(new ByteArrayOutputStream()), "x.gguf");
        String line = bar.line(512L << 20, 2048L << 20, 0, 16.0);
        assertThat(line).isEqualTo("x.gguf  25% [######..................] 512.00 MiB / 2.00 GiB  32.00 MiB/s  ETA 0:48");
    }
}
