package dev.sirocco.server.store;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code conversations} and {@code messages} tables: the web app's chats, each visible only to its owner (every
 * read and write names the owner, so one caller can never reach another's conversation, even by its id).
 */
public final class ConversationStore {
    private static final String ALPHANUMERIC = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String COLUMNS = "id, owner, title, model, system_prompt, settings, created_at, updated_at";
    private static final String MESSAGE_COLUMNS = "position, role, content, tool_calls, tool_call_id, model, finish_reason,"
            + " prompt_tokens, completion_tokens, tokens_per_second, created_at";

    private final Jdbi jdbi;
    private final Clock clock;

    public ConversationStore(Database database) {
        this(database, Clock.systemUTC());
    }

    ConversationStore(Database database, Clock clock) {
        this.jdbi = database.jdbi();
        this.clock = clock;
    }

    /** Creates a conversation holding {@code messages} (possibly none). */
    public Conversation create(String owner, String title, String model, String systemPrompt, String settings,
                               List<ChatMessage> messages) {
        long now = clock.millis();
        Conversation c = new Conversation("conv_" + randomId(16), owner, title, model, systemPrompt, settings, now, now);
        jdbi.useTransaction(h -> {
            h.createUpdate("INSERT INTO conversations (" + COLUMNS + ") VALUES (:id, :owner, :title, :model, :system, :settings, :now, :now)")
                    .bind("id", c.id()).bind("owner", owner).bind("title", title).bind("model", model)
                    .bind("system", systemPrompt).bind("settings", settings).bind("now", now).execute();
            insert(h, c.id(), 0, messages, now);
        });
        return c;
    }

    /**
     * The owner's conversations, most recently changed first.
     *
     * @param search only those whose title or any message contains this text (case-insensitively for ASCII), or null for all
     */
    public List<Conversation> list(String owner, String search, int limit) {
        String where = "owner = :owner";
        if (search != null) {
            where += " AND (LOWER(title) LIKE :pattern ESCAPE '!' OR EXISTS (SELECT 1 FROM messages m"
                    + " WHERE m.conversation_id = c.id AND LOWER(m.content) LIKE :pattern ESCAPE '!'))";
        }
        String sql = "SELECT " + COLUMNS + " FROM conversations c WHERE " + where + " ORDER BY updated_at DESC, id LIMIT :limit";
        return jdbi.withHandle(h -> {
            var q = h.createQuery(sql).bind("owner", owner).bind("limit", limit);
            if (search != null) {
                q.bind("pattern", "%" + escapeLike(search.toLowerCase(java.util.Locale.ROOT)) + "%");
            }
            return q.map((rs, ctx) -> conversation(rs)).list();
        });
    }

    public Optional<Conversation> get(String owner, String id) {
        return jdbi.withHandle(h -> find(h, owner, id));
    }

    /** The conversation's messages in order (empty when it does not exist). */
    public List<StoredMessage> messages(String conversationId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + MESSAGE_COLUMNS + " FROM messages WHERE conversation_id = :id ORDER BY position")
                .bind("id", conversationId).map((rs, ctx) -> message(rs)).list());
    }

    /** Replaces every field but the id, owner and creation time; empty when the owner has no such conversation. */
    public Optional<Conversation> update(String owner, String id, String title, String model, String systemPrompt, String settings) {
        long now = clock.millis();
        return jdbi.inTransaction(h -> {
            int n = h.createUpdate("UPDATE conversations SET title = :title, model = :model, system_prompt = :system,"
                            + " settings = :settings, updated_at = :now WHERE id = :id AND owner = :owner")
                    .bind("title", title).bind("model", model).bind("system", systemPrompt).bind("settings", settings)
                    .bind("now", now).bind("id", id).bind("owner", owner).execute();
            return n == 0 ? Optional.empty() : find(h, owner, id);
        });
    }

    /** Deletes the conversation and its messages; false when the owner has no such conversation. */
    public boolean delete(String owner, String id) {
        return jdbi.inTransaction(h -> {
            if (find(h, owner, id).isEmpty()) {
                return false;
            }
            // explicit rather than by the foreign key's cascade, which needs foreign keys enabled on the connection
            h.createUpdate("DELETE FROM messages WHERE conversation_id = :id").bind("id", id).execute();
            h.createUpdate("DELETE FROM conversations WHERE id = :id").bind("id", id).execute();
            return true;
        });
    }

    /**
     * Drops the messages from position {@code from} on and appends {@code messages} in their place, in one
     * transaction: how an edited question or a regenerated answer replaces what followed it.
     *
     * @param from the first position replaced, or null to append after the last message
     * @return the messages stored, or empty when the owner has no such conversation
     * @throws IllegalArgumentException when {@code from} is beyond the last message
     */
    public Optional<List<StoredMessage>> replaceFrom(String owner, String id, Long from, List<ChatMessage> messages) {
        long now = clock.millis();
        return jdbi.inTransaction(h -> {
            if (find(h, owner, id).isEmpty()) {
                return Optional.empty();
            }
            long count = h.createQuery("SELECT COUNT(*) FROM messages WHERE conversation_id = :id").bind("id", id).mapTo(Long.class).one();
            long start = from == null ? count : from;
            if (start < 0 || start > count) {
                throw new IllegalArgumentException("the conversation has " + count + " messages: replacing from position "
                        + start + " would leave a gap (use 0 to " + count + ")");
            }
            h.createUpdate("DELETE FROM messages WHERE conversation_id = :id AND position >= :from").bind("id", id).bind("from", start).execute();
            List<StoredMessage> stored = insert(h, id, start, messages, now);
            h.createUpdate("UPDATE conversations SET updated_at = :now WHERE id = :id").bind("now", now).bind("id", id).execute();
            return Optional.of(stored);
        });
    }

    private static List<StoredMessage> insert(Handle h, String conversationId, long first, List<ChatMessage> messages, long now) {
        List<StoredMessage> stored = new ArrayList<>(messages.size());
        long position = first;
        for (ChatMessage m : messages) {
            h.createUpdate("INSERT INTO messages (conversation_id, " + MESSAGE_COLUMNS + ") VALUES (:conversation, :position, :role,"
                            + " :content, :toolCalls, :toolCallId, :model, :finish, :prompt, :completion, :speed, :now)")
                    .bind("conversation", conversationId).bind("position", position).bind("role", m.role())
                    .bind("content", m.content()).bind("toolCalls", m.toolCalls()).bind("toolCallId", m.toolCallId())
                    .bind("model", m.model()).bind("finish", m.finishReason()).bind("prompt", m.promptTokens())
                    .bind("completion", m.completionTokens()).bind("speed", m.tokensPerSecond()).bind("now", now)
                    .execute();
            stored.add(new StoredMessage(position, now, m));
            position++;
        }
        return stored;
    }

    private static Optional<Conversation> find(Handle h, String owner, String id) {
        return h.createQuery("SELECT " + COLUMNS + " FROM conversations WHERE id = :id AND owner = :owner")
                .bind("id", id).bind("owner", owner).map((rs, ctx) -> conversation(rs)).findOne();
    }

    private static Conversation conversation(ResultSet rs) throws SQLException {
        return new Conversation(rs.getString("id"), rs.getString("owner"), rs.getString("title"), rs.getString("model"),
                rs.getString("system_prompt"), rs.getString("settings"), rs.getLong("created_at"), rs.getLong("updated_at"));
    }

    private static StoredMessage message(ResultSet rs) throws SQLException {
        ChatMessage m = new ChatMessage(rs.getString("role"), rs.getString("content"), rs.getString("tool_calls"),
                rs.getString("tool_call_id"), rs.getString("model"), rs.getString("finish_reason"),
                longOrNull(rs, "prompt_tokens"), longOrNull(rs, "completion_tokens"), doubleOrNull(rs, "tokens_per_second"));
        return new StoredMessage(rs.getLong("position"), rs.getLong("created_at"), m);
    }

    private static Long longOrNull(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    private static Double doubleOrNull(ResultSet rs, String column) throws SQLException {
        double v = rs.getDouble(column);
        return rs.wasNull() ? null : v;
    }

    /** LIKE's wildcards in the user's text match themselves ('!' escapes: JDBI's statement parser takes backslashes). */
    private static String escapeLike(String s) {
        return s.replace("!", "!!").replace("%", "!%").replace("_", "!_");
    }

    private static String randomId(int length) {
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            s.append(ALPHANUMERIC.charAt(RANDOM.nextInt(ALPHANUMERIC.length())));
        }
        return s.toString();
    }
}
