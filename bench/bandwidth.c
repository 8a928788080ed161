/* Memory read bandwidth with T threads, the ceiling for decode speed (issue #3).
 * Each thread sums its share of a buffer far larger than the caches; prints the best of 5 passes in GB/s.
 *   cc -O3 -march=native -pthread bench/bandwidth.c -o bandwidth && ./bandwidth 2 [MiB]          */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct { const uint64_t *p; size_t n; uint64_t sum; } slice;

static void *sum_slice(void *arg) {
    slice *s = arg;
    uint64_t a = 0, b = 0, c = 0, d = 0;
    for (size_t i = 0; i + 4 <= s->n; i += 4) { a += s->p[i]; b += s->p[i + 1]; c += s->p[i + 2]; d += s->p[i + 3]; }
    s->sum = a + b + c + d;
    return NULL;
}

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }

int main(int argc, char **argv) {
    int threads = argc > 1 ? atoi(argv[1]) : 1;
    size_t mib = argc > 2 ? (size_t) atol(argv[2]) : 1024;
    if (threads < 1 || threads > 256 || mib < 64) { fprintf(stderr, "usage: bandwidth THREADS [MiB >= 64]\n"); return 2; }
    size_t words = mib * 1024 * 1024 / 8;
    uint64_t *buf = aligned_alloc(64, words * 8);
    if (!buf) { fprintf(stderr, "bandwidth: cannot allocate %zu MiB\n", mib); return 1; }
    for (size_t i = 0; i < words; i++) buf[i] = i;
    double best = 0; uint64_t check = 0;
    for (int pass = 0; pass < 5; pass++) {
        pthread_t tid[256]; slice s[256];
        double t0 = now();
        for (int t = 0; t < threads; t++) {
            s[t] = (slice) { buf + words / threads * t, words / threads, 0 };
            pthread_create(&tid[t], NULL, sum_slice, &s[t]);
        }
        for (int t = 0; t < threads; t++) { pthread_join(tid[t], NULL); check += s[t].sum; }
        double gbs = words * 8.0 / (now() - t0) / 1e9;
        if (gbs > best) best = gbs;
    }
    printf("%.2f\n", best);
    return check == 42; /* keeps the sums alive */
}
