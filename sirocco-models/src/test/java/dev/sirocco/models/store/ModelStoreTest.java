package dev.sirocco.models.store;

import dev.sirocco.models.ModelRequestException;
import dev.sirocco.testkit.ModelSpec;
import dev.sirocco.testkit.RandomModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelStoreTest {
    @TempDir
    Path tmp;

    @Test
    void addedModelIsListedResolvedByIdAndRemoved() throws Exception {
        ModelStore store = new ModelStore(tmp.resolve("data"));
        Path gguf = RandomModels.write(ModelSpec.tinyLlama(), tmp.resolve("tiny.gguf"));
        long size = Files.size(gguf);

        ModelManifest m = store.add("tiny-llama:f32", gguf, "hf:someone/tiny/tiny.gguf@main", "ab".repeat(32));

        assertThat(Files.exists(gguf)).as("moved, not copied").isFalse();
        assertThat(m.size()).isEqualTo(size);
        assertThat(m.architecture()).isEqualTo("llama");
        assertThat(m.parameters()).isPositive();
        assertThat(store.list()).containsExactly(m);
        assertThat(store.get("tiny-llama:f32")).isEqualTo(m);
        Path resolved = store.resolve("tiny-llama:f32");
        assertThat(resolved).isEqualTo(tmp.resolve("data/models/tiny-llama+f32/model.gguf"));
        assertThat(Files.size(resolved)).isEqualTo(size);
        assertThat(store.resolve(resolved.toString())).as("a path stays a path").isEqualTo(resolved);

        store.remove("tiny-llama:f32");
        assertThat(store.list()).isEmpty();
        assertThat(Files.exists(tmp.resolve("data/models/tiny-llama+f32"))).isFalse();
    }

    @Test
    void unknownIdNamesTheStoreAndTheClosestIds() throws Exception {
        ModelStore store = new ModelStore(tmp.resolve("data"));
        store.add("tiny-llama:f32", RandomModels.write(ModelSpec.tinyLlama(), tmp.resolve("a.gguf")), "local", "00");

        assertThatThrownBy(() -> store.resolve("tiny-llama:q8_0"))
                .isInstanceOf(ModelRequestException.class)
                .hasMessageContaining("neither a file nor a model in the store")
                .hasMessageContaining("did you mean tiny-llama:f32?");
        assertThatThrownBy(() -> store.remove("other:q4_0"))
                .isInstanceOf(ModelRequestException.class)
                .hasMessageContaining("no model 'other:q4_0'");
    }

    @Test
    void emptyStoreListsNothing() {
        assertThat(new ModelStore(tmp.resolve("nothing-here")).list()).isEmpty();
    }
}
