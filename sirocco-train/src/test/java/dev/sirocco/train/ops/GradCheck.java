package dev.sirocco.train.ops;

import dev.sirocco.train.autograd.Parameter;
import dev.sirocco.train.autograd.Tape;
import dev.sirocco.train.autograd.Var;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Gradient checks against central finite differences in F32. The probed scalar is {@code sum(r * f(params))} for a
 * fixed random {@code r}, summed in double. Tolerances (F32, values of order 1, step 1e-2): every checked element
 * within {@code 2e-3 + 1e-2 |g|}, and the directional derivative along a random direction within 1e-2 relative;
 * both are well above F32 rounding noise (~1e-4 here) and far below a wrong gradient (order 1).
 *
 * <p>A whole model is checked along random directions only ({@link #checkDirections}): one element's finite difference
 * there drowns in the F32 rounding noise of thousands of operations (~1e-5 of the loss), while a direction moving
 * every parameter at once has a derivative large enough to resolve to 1e-2.
 */
final class GradCheck {
    static final double EPS = 1e-2;

    private GradCheck() {
    }

    static Parameter param(String name, int rows, int cols, long seed, double std) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (std * rnd.nextGaussian());
        }
        return new Parameter(name, rows, cols, v);
    }

    /** Checks the gradients of {@code f} (built on a fresh tape from the parameters' vars) for every parameter. */
    static void check(List<Parameter> params, Function<Tape, Var> f) {
        Tape tape = new Tape();
        Var out = f.apply(tape);
        SplittableRandom rnd = new SplittableRandom(99);
        float[] r = new float[out.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = (float) rnd.nextGaussian();
        }
        params.forEach(Parameter::zeroGrad);
        tape.backward(out, r);
        double analyticDirectional = 0;
        float[][] dir = new float[params.size()][];
        for (int p = 0; p < params.size(); p++) {
            Parameter prm = params.get(p);
            dir[p] = new float[prm.value.length];
            for (int i = 0; i < dir[p].length; i++) {
                dir[p][i] = (float) rnd.nextGaussian();
                analyticDirectional += (double) dir[p][i] * prm.grad[i];
            }
            float[] analytic = prm.grad.clone();
            int stride = Math.max(1, prm.value.length / 24);
            for (int i = 0; i < prm.value.length; i += stride) {
                float keep = prm.value[i];
                prm.value[i] = (float) (keep + EPS);
                double plus = probe(f, r);
                prm.value[i] = (float) (keep - EPS);
                double minus = probe(f, r);
                prm.value[i] = keep;
                double numeric = (plus - minus) / (2 * EPS);
                assertThat(Math.abs(analytic[i] - numeric))
                        .as("%s[%d]: analytic %s, numeric %s", prm.name, i, analytic[i], numeric)
                        .isLessThanOrEqualTo(2e-3 + 1e-2 * Math.abs(numeric));
            }
        }
        double plus = shifted(params, dir, EPS, f, r);
        double minus = shifted(params, dir, -EPS, f, r);
        double numericDirectional = (plus - minus) / (2 * EPS);
        assertThat(Math.abs(analyticDirectional - numericDirectional))
                .as("directional derivative: analytic %s, numeric %s", analyticDirectional, numericDirectional)
                .isLessThanOrEqualTo(1e-2 * Math.max(1, Math.abs(numericDirectional)));
    }

    /** The derivative of {@code f} (a scalar) along {@code directions} random directions, each within {@code tolerance} relative. */
    static void checkDirections(List<Parameter> params, Function<Tape, Var> f, int directions, double eps, double tolerance) {
        Tape tape = new Tape();
        Var out = f.apply(tape);
        float[] one = {1f};
        params.forEach(Parameter::zeroGrad);
        tape.backward(out, one);
        SplittableRandom rnd = new SplittableRandom(7);
        for (int k = 0; k < directions; k++) {
            double analytic = 0;
            float[][] dir = new float[params.size()][];
            for (int p = 0; p < params.size(); p++) {
                dir[p] = new float[params.get(p).value.length];
                for (int i = 0; i < dir[p].length; i++) {
                    dir[p][i] = (float) rnd.nextGaussian();
                    analytic += (double) dir[p][i] * params.get(p).grad[i];
                }
            }
            double numeric = (shifted(params, dir, eps, f, one) - shifted(params, dir, -eps, f, one)) / (2 * eps);
            System.out.printf("direction %d: analytic %.6f numeric %.6f%n", k, analytic, numeric);
            assertThat(Math.abs(analytic - numeric)).as("direction %d: analytic %s, numeric %s", k, analytic, numeric)
                    .isLessThanOrEqualTo(tolerance * Math.abs(numeric));
        }
    }

    private static double shifted(List<Parameter> params, float[][] dir, double step, Function<Tape, Var> f, float[] r) {
        float[][] keep = new float[params.size()][];
        for (int p = 0; p < params.size(); p++) {
            keep[p] = params.get(p).value.clone();
            for (int i = 0; i < keep[p].length; i++) {
                params.get(p).value[i] = (float) (keep[p][i] + step * dir[p][i]);
            }
        }
        double v = probe(f, r);
        for (int p = 0; p < params.size(); p++) {
            System.arraycopy(keep[p], 0, params.get(p).value, 0, keep[p].length);
        }
        return v;
    }

    private static double probe(Function<Tape, Var> f, float[] r) {
        Var out = f.apply(new Tape());
        double s = 0;
        for (int i = 0; i < r.length; i++) {
            s += (double) r[i] * out.value[i];
        }
        return s;
    }
}
