package dev.sirocco.engine.tensor.quant;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class QuantMathTest {

    @Test
    void nearestIntRoundsHalfToEven() {
        assertThat(QuantMath.nearestInt(0.5f)).isZero();
        assertThat(QuantMath.nearestInt(1.5f)).isEqualTo(2);
        assertThat(QuantMath.nearestInt(2.5f)).isEqualTo(2);
        assertThat(QuantMath.nearestInt(-0.5f)).isZero();
        assertThat(QuantMath.nearestInt(-1.5f)).isEqualTo(-2);
        assertThat(QuantMath.nearestInt(-2.49f)).isEqualTo(-2);
        Random r = new Random(7);
        for (int i = 0; i < 10_000; i++) {
            float f = (r.nextFloat() - 0.5f) * 8_000_000f;
            assertThat(QuantMath.nearestInt(f)).isEqualTo((int) Math.rint(f));
        }
    }

    @Test
    void roundfRoundsHalfAwayFromZero() {
        assertThat(QuantMath.roundf(0.5f)).isEqualTo(1f);
        assertThat(QuantMath.roundf(2.5f)).isEqualTo(3f);
        assertThat(QuantMath.roundf(-0.5f)).isEqualTo(-1f);
        assertThat(QuantMath.roundf(-2.5f)).isEqualTo(-3f);
        // The largest float below 0.5: adding 0.5 in float would round up to 1, roundf gives 0.
        assertThat(QuantMath.roundf(Math.nextDown(0.5f))).isEqualTo(0f);
        assertThat(QuantMath.roundf(-2.4999998f)).isEqualTo(-2f);
    }
}
