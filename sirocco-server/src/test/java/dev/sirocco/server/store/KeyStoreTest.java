package dev.sirocco.server.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Keys are stored as digests, found by their secret, revoked for good, and survive a reopen of the file. */
class KeyStoreTest {
    @TempDir
    Path dir;

    @Test
    void aSecretHas256RandomBitsAndOnlyItsDigestIsStored() throws Exception {
        Database db = Database.open(dir);
        NewKey created = new KeyStore(db).create("ci", false, null, null);
        String secret = created.secret().value();
        assertThat(secret).startsWith("sk-sirocco-");
        assertThat(Base64.getUrlDecoder().decode(secret.substring("sk-sirocco-".length()))).hasSize(32);
        assertThat(created.key().prefix()).isEqualTo(secret.substring(0, 15));
        assertThat(created.secret().toString()).doesNotContain(secret.substring(15));

        String expectedDigest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        String stored = db.jdbi().withHandle(h -> h.createQuery("SELECT secret_sha256 FROM api_keys").mapTo(String.class).one());
        assertThat(stored).isEqualTo(expectedDigest);
        // the secret appears nowhere in the database file or its write-ahead log
        for (String name : new String[]{Database.FILE_NAME, Database.FILE_NAME + "-wal"}) {
            Path f = dir.resolve(name);
            if (Files.exists(f)) {
                assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).doesNotContain(secret.substring(15));
            }
        }
    }

    @Test
    void twoKeysNeverShareASecret() throws Exception {
        KeyStore keys = new KeyStore(Database.open(dir));
        assertThat(keys.create("a", false, null, null).secret()).isNotEqualTo(keys.create("b", false, null, null).secret());
    }

    @Test
    void aKeyIsFoundByItsSecretAndNotByAnythingElse() throws Exception {
        KeyStore keys = new KeyStore(Database.open(dir));
        NewKey k = keys.create("app", true, 10L, 1000L);
        StoredKey found = keys.authenticate(k.secret().value()).orElseThrow();
        assertThat(found.id()).isEqualTo(k.key().id());
        assertThat(found.admin()).isTrue();
        assertThat(found.scopes()).containsExactly("inference", "admin");
        assertThat(found.rpm()).isEqualTo(10L);
        assertThat(found.tpm()).isEqualTo(1000L);
        assertThat(found.lastUsed()).isNotNull();
        assertThat(keys.authenticate(k.secret().value() + "x")).isEmpty();
        assertThat(keys.authenticate(k.key().prefix())).isEmpty();
        assertThat(keys.authenticate(k.key().id())).isEmpty();
    }

    @Test
    void revokingMarksTheKeyAndKeepsTheFirstTime() throws Exception {
        KeyStore keys = new KeyStore(Database.open(dir));
        NewKey k = keys.create("old", false, null, null);
        keys.create("other", false, null, null);
        assertThat(keys.countActive()).isEqualTo(2);
        StoredKey revoked = keys.revoke(k.key().id()).orElseThrow();
        assertThat(revoked.isRevoked()).isTrue();
        assertThat(keys.revoke(k.key().id()).orElseThrow().revoked()).isEqualTo(revoked.revoked());
        assertThat(keys.authenticate(k.secret().value()).orElseThrow().isRevoked()).isTrue();
        assertThat(keys.countActive()).isEqualTo(1);
        assertThat(keys.revoke("key_nosuchkey")).isEmpty();
    }

    @Test
    void keysSurviveAReopenAndMigrationsRunOnce() throws Exception {
        Database first = Database.open(dir);
        assertThat(first.migrationsApplied()).isPositive();
        NewKey k = new KeyStore(first).create("kept", false, 5L, null);
        new KeyStore(first).revoke(new KeyStore(first).create("gone", false, null, null).key().id());

        Database again = Database.open(dir);
        assertThat(again.migrationsApplied()).isZero();
        List<StoredKey> listed = new KeyStore(again).list();
        listed = listed.stream().sorted(java.util.Comparator.comparing(StoredKey::name).reversed()).toList(); // both made in the same second
        assertThat(listed).extracting(StoredKey::name).containsExactly("kept", "gone");
        assertThat(listed.get(0).rpm()).isEqualTo(5L);
        assertThat(listed.get(0).tpm()).isNull();
        assertThat(listed.get(1).isRevoked()).isTrue();
        assertThat(new KeyStore(again).authenticate(k.secret().value())).map(StoredKey::id).contains(k.key().id());
        int historyRows = again.jdbi().withHandle(h -> h.createQuery(
                "SELECT COUNT(*) FROM \"flyway_schema_history\" WHERE success = 1").mapTo(Integer.class).one());
        assertThat(historyRows).isEqualTo(first.migrationsApplied());
    }

    @Test
    void emptyNameOrZeroLimitsAreRefused() throws Exception {
        KeyStore keys = new KeyStore(Database.open(dir));
        assertThatThrownBy(() -> keys.create(" ", false, null, null)).hasMessageContaining("name");
        assertThatThrownBy(() -> keys.create("x", false, 0L, null)).hasMessageContaining("at least 1");
        assertThat(keys.list()).isEmpty();
    }
}
