package dev.sirocco.engine.runtime.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SamplingParamsTest {

    @Test
    void defaultsAreLlamaCppsCliDefaults() {
        // common/common.h: temp 0.80, top_k 40, top_p 0.95, min_p 0.05, penalty_last_n 64,
        // penalty_repeat 1.00, penalty_freq 0.00, penalty_present 0.00, seed LLAMA_DEFAULT_SEED (random)
        SamplingParams d = SamplingParams.defaults();
        assertThat(d).isEqualTo(new SamplingParams(0.8f, 40, 0.95f, 0.05f, 1f, 64, 0f, 0f, SamplingParams.RANDOM_SEED));
        assertThat(d.isGreedy()).isFalse();
        assertThat(d.penaltiesEnabled()).isFalse();
    }

    @Test
    void zeroOrNegativeTemperatureIsGreedy() {
        assertThat(SamplingParams.greedy().isGreedy()).isTrue();
        assertThat(SamplingParams.defaults().withTemperature(-1f).isGreedy()).isTrue();
        assertThat(SamplingParams.defaults().withTemperature(0.01f).isGreedy()).isFalse();
    }

    @Test
    void penaltiesAreOnWhenAnyIsSetAndTheWindowIsNotEmpty() {
        SamplingParams d = SamplingParams.defaults();
        assertThat(new SamplingParams(0.8f, 40, 0.95f, 0.05f, 1.1f, 64, 0f, 0f, 1).penaltiesEnabled()).isTrue();
        assertThat(new SamplingParams(0.8f, 40, 0.95f, 0.05f, 1f, 64, 0.2f, 0f, 1).penaltiesEnabled()).isTrue();
        assertThat(new SamplingParams(0.8f, 40, 0.95f, 0.05f, 1f, 64, 0f, -0.5f, 1).penaltiesEnabled()).isTrue();
        assertThat(new SamplingParams(0.8f, 40, 0.95f, 0.05f, 1.1f, 0, 0f, 0f, 1).penaltiesEnabled()).isFalse();
        assertThat(d.withSeed(7).seed()).isEqualTo(7);
    }

    @Test
    void outOfRangeValuesAreRejected() {
        assertThatThrownBy(() -> new SamplingParams(Float.NaN, 40, 0.95f, 0.05f, 1f, 64, 0f, 0f, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SamplingParams(0.8f, 40, 1.5f, 0.05f, 1f, 64, 0f, 0f, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("topP");
        assertThatThrownBy(() -> new SamplingParams(0.8f, 40, 0.95f, -0.1f, 1f, 64, 0f, 0f, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("minP");
        assertThatThrownBy(() -> new SamplingParams(0.8f, 40, 0.95f, 0.05f, 0f, 64, 0f, 0f, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("repeatPenalty");
        assertThatThrownBy(() -> new SamplingParams(0.8f, 40, 0.95f, 0.05f, 1f, -1, 0f, 0f, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("repeatLastN");
        assertThatThrownBy(() -> new SamplingParams(0.8f, 40, 0.95f, 0.05f, 1f, 64, Float.POSITIVE_INFINITY, 0f, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
