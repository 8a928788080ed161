package dev.sirocco.server.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.LocalDate;

import static org.assertj.core.api.Assertions.assertThat;

/** Usage sums per key, day and model, filters by key and inclusive dates, and survives a reopen. */
class UsageStoreTest {
    @TempDir
    Path dir;

    @Test
    void requestsAndTokensAddUpPerKeyDayAndModel() throws Exception {
        Database db = Database.open(dir);
        NewKey key = new KeyStore(db).create("app", false, null, null);
        UsageStore usage = new UsageStore(db);
        LocalDate d1 = LocalDate.of(2026, 11, 20);
        LocalDate d2 = d1.plusDays(1);
        usage.add(key.key().id(), d1, "tiny", 10, 3);
        usage.add(key.key().id(), d1, "tiny", 7, 2);
        usage.add(key.key().id(), d1, "small", 1, 1);
        usage.add(UsageStore.ANONYMOUS, d2, "tiny", 4, 0);

        UsageStore reopened = new UsageStore(Database.open(dir));
        var all = reopened.query(null, null, null);
        assertThat(all).containsExactly(
                new UsageRow(d1, key.key().id(), "app", "small", 1, 1, 1),
                new UsageRow(d1, key.key().id(), "app", "tiny", 2, 17, 5),
                new UsageRow(d2, UsageStore.ANONYMOUS, null, "tiny", 1, 4, 0));
        assertThat(reopened.query(UsageStore.ANONYMOUS, null, null)).hasSize(1);
        assertThat(reopened.query(null, d2, null)).extracting(UsageRow::day).containsExactly(d2);
        assertThat(reopened.query(null, null, d1)).extracting(UsageRow::day).containsOnly(d1);
        assertThat(reopened.query(null, d1, d1)).hasSize(2);
        assertThat(reopened.query(key.key().id(), d2, d2)).isEmpty();
    }

    @Test
    void concurrentRequestsAreAllCounted() throws Exception {
        UsageStore usage = new UsageStore(Database.open(dir));
        LocalDate day = LocalDate.of(2026, 1, 1);
        int threads = 8;
        int each = 25;
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(threads)) {
            var futures = new java.util.ArrayList<java.util.concurrent.Future<?>>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        usage.add("key_busy", day, "tiny", 3, 2);
                    }
                }));
            }
            for (var f : futures) {
                f.get();
            }
        }
        assertThat(usage.query("key_busy", null, null)).containsExactly(
                new UsageRow(day, "key_busy", null, "tiny", threads * each, 3L * threads * each, 2L * threads * each));
    }
}
