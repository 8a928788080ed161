package dev.sirocco.models.store;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ModelIdsTest {

    @ParameterizedTest
    @CsvSource({
            "Mistral-7B-Instruct-v0.3-Q4_K_M.gguf, F16, mistral-7b-instruct-v0.3:q4_k_m",
            "qwen2.5-0.5b-instruct-q8_0.gguf, F16, qwen2.5-0.5b-instruct:q8_0",
            "Llama-3.2-1B-Instruct.IQ4_XS.gguf, F16, llama-3.2-1b-instruct:iq4_xs",
            "gemma-3-1b-it-BF16.gguf, Q8_0, gemma-3-1b-it:bf16",
            "some/dir/tiny.gguf, Q4_K_M, tiny:q4_k_m",
            "Phi 3 (mini).gguf, F32, phi-3-mini:f32"})
    void idIsTheNameWithoutQuantizationThenTheQuantization(String file, String fallback, String id) {
        assertThat(ModelIds.forFile(file, fallback)).isEqualTo(id);
        assertThat(ModelIds.isValid(id)).isTrue();
    }

    @Test
    void quantizationIsReadFromTheEndOfTheName() {
        assertThat(ModelIds.quantizationOf("Mistral-7B-Instruct-v0.3-Q4_K_M.gguf")).contains("Q4_K_M");
        assertThat(ModelIds.quantizationOf("model-q5_k_s.gguf")).contains("Q5_K_S");
        assertThat(ModelIds.quantizationOf("model.gguf")).isEmpty();
    }

    @Test
    void closestIdsShareTheNameOrAreFewEditsAway() {
        List<String> known = List.of("mistral-7b:q4_k_m", "mistral-7b:q8_0", "qwen3-0.6b:q8_0", "gemma-3-1b-it:q4_0");
        assertThat(ModelIds.closest("mistral-7b:q5_k_m", known, 5)).containsExactly("mistral-7b:q4_k_m", "mistral-7b:q8_0");
        assertThat(ModelIds.closest("qwen3-0.6b:q8", known, 5)).containsExactly("qwen3-0.6b:q8_0");
        assertThat(ModelIds.closest("llava", known, 5)).isEmpty();
    }

    @Test
    void invalidIdsAreRejected() {
        assertThat(ModelIds.isValid("Mistral:Q4")).isFalse();
        assertThat(ModelIds.isValid("a:b:c")).isFalse();
        assertThat(ModelIds.isValid("../x")).isFalse();
    }
}
