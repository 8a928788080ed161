package dev.sirocco.server.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Conversations in the database: owned, searchable, edited in place, and still there when the file is opened again. */
class ConversationStoreTest {
    @TempDir
    Path dir;

    static ChatMessage user(String text) {
        return new ChatMessage("user", text, null, null, null, null, null, null, null);
    }

    static ChatMessage answer(String text) {
        return new ChatMessage("assistant", text, "[{\"id\":\"call_1\"}]", null, "tiny", "stop", 12L, 5L, 42.5);
    }

    @Test
    void aConversationAndItsMessagesSurviveReopeningTheFile() throws Exception {
        ConversationStore store = new ConversationStore(Database.open(dir));
        Conversation c = store.create("key_a", "Greeting", "tiny", "Be brief.", "{\"temperature\":0.5}",
                List.of(user("hello"), answer("hi")));
        ConversationStore reopened = new ConversationStore(Database.open(dir));
        assertThat(reopened.get("key_a", c.id())).contains(c);
        List<StoredMessage> messages = reopened.messages(c.id());
        assertThat(messages).extracting(StoredMessage::position).containsExactly(0L, 1L);
        assertThat(messages).extracting(StoredMessage::message).containsExactly(user("hello"), answer("hi"));
    }

    @Test
    void anotherOwnerCanNeitherSeeNorChangeAConversation() throws Exception {
        ConversationStore store = new ConversationStore(Database.open(dir));
        Conversation c = store.create("key_a", "Mine", null, null, "{}", List.of(user("secret")));
        assertThat(store.get("key_b", c.id())).isEmpty();
        assertThat(store.list("key_b", null, 10)).isEmpty();
        assertThat(store.update("key_b", c.id(), "Stolen", null, null, "{}")).isEmpty();
        assertThat(store.replaceFrom("key_b", c.id(), null, List.of(user("x")))).isEmpty();
        assertThat(store.delete("key_b", c.id())).isFalse();
        assertThat(store.get("key_a", c.id()).orElseThrow().title()).isEqualTo("Mine");
        assertThat(store.messages(c.id())).hasSize(1);
    }

    @Test
    void searchMatchesTitlesAndMessagesIgnoringCaseAndTakesWildcardsLiterally() throws Exception {
        ConversationStore store = new ConversationStore(Database.open(dir));
        Conversation byTitle = store.create("o", "Paris trip", null, null, "{}", List.of());
        Conversation byMessage = store.create("o", "Chat", null, null, "{}", List.of(user("What is 100% of PARIS?")));
        store.create("o", "Other", null, null, "{}", List.of(user("nothing here")));
        assertThat(store.list("o", "paris", 10)).extracting(Conversation::id).containsExactlyInAnyOrder(byTitle.id(), byMessage.id());
        assertThat(store.list("o", "100%", 10)).extracting(Conversation::id).containsExactly(byMessage.id());
        assertThat(store.list("o", "1_0", 10)).isEmpty();
        assertThat(store.list("o", "no such words", 10)).isEmpty();
        assertThat(store.list("o", null, 10)).hasSize(3);
    }

    @Test
    void listsShowTheMostRecentlyChangedFirst() throws Exception {
        MutableClock clock = new MutableClock();
        ConversationStore store = new ConversationStore(Database.open(dir), clock);
        Conversation first = store.create("o", "first", null, null, "{}", List.of());
        clock.millis = 2000;
        Conversation second = store.create("o", "second", null, null, "{}", List.of());
        assertThat(store.list("o", null, 10)).extracting(Conversation::id).containsExactly(second.id(), first.id());
        clock.millis = 3000;
        store.replaceFrom("o", first.id(), null, List.of(user("again")));
        assertThat(store.list("o", null, 10)).extracting(Conversation::id).containsExactly(first.id(), second.id());
        assertThat(store.list("o", null, 1)).hasSize(1);
    }

    @Test
    void replacingFromAPositionDropsWhatFollowedIt() throws Exception {
        ConversationStore store = new ConversationStore(Database.open(dir));
        Conversation c = store.create("o", "t", null, null, "{}", List.of(user("q1"), answer("a1"), user("q2"), answer("a2")));
        List<StoredMessage> stored = store.replaceFrom("o", c.id(), 2L, List.of(user("q2 edited"))).orElseThrow();
        assertThat(stored).extracting(StoredMessage::position).containsExactly(2L);
        assertThat(store.messages(c.id())).extracting(m -> m.message().content()).containsExactly("q1", "a1", "q2 edited");
        store.replaceFrom("o", c.id(), null, List.of(answer("a2 again")));
        assertThat(store.messages(c.id())).extracting(StoredMessage::position).containsExactly(0L, 1L, 2L, 3L);
        assertThatThrownBy(() -> store.replaceFrom("o", c.id(), 5L, List.of(user("gap"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("4 messages");
        assertThat(store.messages(c.id())).hasSize(4);
    }

    @Test
    void deletingAConversationDeletesItsMessages() throws Exception {
        ConversationStore store = new ConversationStore(Database.open(dir));
        Conversation c = store.create("o", "t", null, null, "{}", List.of(user("q")));
        assertThat(store.delete("o", c.id())).isTrue();
        assertThat(store.get("o", c.id())).isEmpty();
        assertThat(store.messages(c.id())).isEmpty();
        assertThat(store.delete("o", c.id())).isFalse();
    }

    static final class MutableClock extends Clock {
        long millis = 1000;

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }
    }
}
