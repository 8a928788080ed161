package dev.sirocco.train.optim;

import dev.sirocco.train.autograd.Parameter;
import dev.sirocco.train.schedule.CosineSchedule;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** AdamW's update rule, the warmup + cosine schedule, and global-norm clipping. */
class OptimizerTest {

    @Test
    void adamWFirstStepMovesEachWeightByLrTimesSignPlusDecay() {
        // After one step m^ = g and v^ = g^2, so the Adam part is lr * g / (|g| + eps) = lr * sign(g).
        Parameter p = new Parameter("p", 1, 3, new float[]{1f, -2f, 0.5f});
        System.arraycopy(new float[]{0.3f, -4f, 1e-3f}, 0, p.grad, 0, 3);
        AdamW.standard(List.of(p), 0.1f).step(0.01f);
        assertThat(p.value[0]).isCloseTo(1f - 0.01f * (1 + 0.1f * 1f), within(1e-6f));
        assertThat(p.value[1]).isCloseTo(-2f - 0.01f * (-1 + 0.1f * -2f), within(1e-6f));
        assertThat(p.value[2]).isCloseTo(0.5f - 0.01f * (1e-3f / (1e-3f + 1e-8f) + 0.1f * 0.5f), within(1e-6f));
    }

    @Test
    void adamWMinimisesAQuadratic() {
        Parameter p = new Parameter("p", 1, 2, new float[]{3f, -5f});
        AdamW adam = AdamW.standard(List.of(p), 0f);
        for (int i = 0; i < 2000; i++) {
            p.grad[0] = 2 * (p.value[0] - 1);   // (x - 1)^2
            p.grad[1] = 2 * (p.value[1] + 2);   // (y + 2)^2
            adam.step(0.05f);
        }
        assertThat(p.value[0]).isCloseTo(1f, within(1e-2f));
        assertThat(p.value[1]).isCloseTo(-2f, within(1e-2f));
    }

    @Test
    void scheduleWarmsUpLinearlyThenDecaysToTheMinimum() {
        CosineSchedule s = new CosineSchedule(1e-3, 1e-5, 10, 110);
        assertThat(s.at(0)).isCloseTo(1e-4, within(1e-12));
        assertThat(s.at(4)).isCloseTo(5e-4, within(1e-12));
        assertThat(s.at(10)).isCloseTo(1e-3, within(1e-12));
        assertThat(s.at(60)).isCloseTo((1e-3 + 1e-5) / 2, within(1e-12));
        assertThat(s.at(109)).isGreaterThan(1e-5).isCloseTo(1e-5, within(1e-6)); // the last step still learns
        assertThat(s.at(110)).isCloseTo(1e-5, within(1e-12));
        for (int i = 11; i < 110; i++) {
            assertThat(s.at(i)).isLessThan(s.at(i - 1));
        }
    }

    @Test
    void clippingScalesTheGlobalNormDownOnly() {
        Parameter a = new Parameter("a", 1, 2, new float[2]);
        Parameter b = new Parameter("b", 1, 1, new float[1]);
        a.grad[0] = 3f;
        a.grad[1] = 0f;
        b.grad[0] = 4f;
        assertThat(GradientClipping.clip(List.of(a, b), 1.0)).isCloseTo(5.0, within(1e-9));
        assertThat(a.grad[0]).isCloseTo(0.6f, within(1e-6f));
        assertThat(b.grad[0]).isCloseTo(0.8f, within(1e-6f));
        assertThat(GradientClipping.clip(List.of(a, b), 10.0)).isCloseTo(1.0, within(1e-6));
        assertThat(b.grad[0]).isCloseTo(0.8f, within(1e-6f));
    }
}
