package dev.sirocco.engine.tensor;

import org.junit.jupiter.api.Test;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ParallelTest {

    @Test
    void everyTaskRunsExactlyOnceAcrossRepeatedCalls() {
        try (Parallel p = new Parallel(3)) {
            for (int round = 0; round < 200; round++) {
                int tasks = round % 37;
                AtomicIntegerArray hits = new AtomicIntegerArray(Math.max(1, tasks));
                p.forEach(tasks, hits::incrementAndGet);
                for (int i = 0; i < tasks; i++) {
                    assertThat(hits.get(i)).as("round %d task %d", round, i).isEqualTo(1);
                }
            }
        }
    }

    @Test
    void workUsesMoreThanOneThreadWhenThereIsEnough() {
        try (Parallel p = new Parallel(3)) {
            var names = ConcurrentHashMap.<String>newKeySet();
            p.forEach(64, i -> {
                names.add(Thread.currentThread().getName());
                long until = System.nanoTime() + 1_000_000;
                while (System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
            });
            assertThat(names.size()).isGreaterThan(1);
        }
    }

    @Test
    void oneThreadRunsInlineInOrder() {
        try (Parallel p = new Parallel(1)) {
            StringBuilder order = new StringBuilder();
            p.forEach(4, i -> order.append(i).append(Thread.currentThread() == Thread.currentThread() ? "" : "?"));
            assertThat(order).hasToString("0123");
        }
    }

    @Test
    void rangesCoverEveryIndexOnce() {
        try (Parallel p = new Parallel(3)) {
            for (int n : new int[]{0, 1, 2, 5, 17, 100, 1001}) {
                AtomicIntegerArray hits = new AtomicIntegerArray(Math.max(1, n));
                p.forRange(n, 4, (from, to) -> {
                    for (int i = from; i < to; i++) {
                        hits.incrementAndGet(i);
                    }
                });
                for (int i = 0; i < n; i++) {
                    assertThat(hits.get(i)).isEqualTo(1);
                }
            }
        }
    }

    @Test
    void aFailingTaskIsRethrownAndThePoolStaysUsable() {
        try (Parallel p = new Parallel(3)) {
            assertThatThrownBy(() -> p.forEach(50, i -> {
                if (i == 33) {
                    throw new IllegalStateException("task 33");
                }
            })).isInstanceOf(IllegalStateException.class).hasMessage("task 33");
            AtomicIntegerArray hits = new AtomicIntegerArray(10);
            p.forEach(10, hits::incrementAndGet);
            for (int i = 0; i < 10; i++) {
                assertThat(hits.get(i)).isEqualTo(1);
            }
        }
    }

    @Test
    void nestedCallsRunInline() {
        try (Parallel p = new Parallel(2)) {
            AtomicIntegerArray hits = new AtomicIntegerArray(16);
            p.forEach(4, i -> p.forEach(4, j -> hits.incrementAndGet(4 * i + j)));
            for (int i = 0; i < 16; i++) {
                assertThat(hits.get(i)).isEqualTo(1);
            }
        }
    }
}
