package dev.sirocco.server.store;

import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/** The {@code usage_daily} table: requests and tokens summed per key, UTC day and model. */
public final class UsageStore {
    /** The caller of a loopback request that carried no key. */
    public static final String ANONYMOUS = "anonymous";
    /** The caller holding the key given to {@code serve --api-key}. */
    public static final String SERVER_KEY = "api-key";

    private final Jdbi jdbi;

    public UsageStore(Database database) {
        this.jdbi = database.jdbi();
    }

    /** Adds one request's numbers to its day's row (an upsert: portable to PostgreSQL as written). */
    public void add(String keyId, LocalDate day, String model, long promptTokens, long completionTokens) {
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO usage_daily (key_id, day, model, requests, prompt_tokens, completion_tokens)"
                        + " VALUES (:key, :day, :model, 1, :prompt, :completion)"
                        + " ON CONFLICT (key_id, day, model) DO UPDATE SET requests = usage_daily.requests + 1,"
                        + " prompt_tokens = usage_daily.prompt_tokens + excluded.prompt_tokens,"
                        + " completion_tokens = usage_daily.completion_tokens + excluded.completion_tokens")
                .bind("key", keyId)
                .bind("day", day.toString())
                .bind("model", model)
                .bind("prompt", promptTokens)
                .bind("completion", completionTokens)
                .execute());
    }

    /**
     * Rows by day, key and model.
     *
     * @param keyId only this caller's rows, or null for everyone's
     * @param start first day included, or null for no bound
     * @param end   last day included, or null for no bound
     */
    public List<UsageRow> query(String keyId, LocalDate start, LocalDate end) {
        List<String> where = new ArrayList<>();
        if (keyId != null) {
            where.add("u.key_id = :key");
        }
        if (start != null) {
            where.add("u.day >= :start"); // ISO dates order as text
        }
        if (end != null) {
            where.add("u.day <= :end");
        }
        String sql = "SELECT u.day, u.key_id, k.name, u.model, u.requests, u.prompt_tokens, u.completion_tokens"
                + " FROM usage_daily u LEFT JOIN api_keys k ON k.id = u.key_id"
                + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where))
                + " ORDER BY u.day, u.key_id, u.model";
        return jdbi.withHandle(h -> {
            Query q = h.createQuery(sql);
            if (keyId != null) {
                q.bind("key", keyId);
            }
            if (start != null) {
                q.bind("start", start.toString());
            }
            if (end != null) {
                q.bind("end", end.toString());
            }
            return q.map((rs, ctx) -> new UsageRow(LocalDate.parse(rs.getString(1)), rs.getString(2), rs.getString(3),
                    rs.getString(4), rs.getLong(5), rs.getLong(6), rs.getLong(7))).list();
        });
    }
}
