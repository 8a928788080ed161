package dev.sirocco.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sirocco.server.store.Database;
import dev.sirocco.server.store.KeyStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static dev.sirocco.cli.CommandsTest.run;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code keys create / list / revoke}: the secret shown once, listings without it, exit codes and JSON shapes. */
class KeysCommandTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;

    @Test
    void createPrintsTheSecretOnceAndListShowsOnlyItsPrefix() throws Exception {
        String data = dir.toString();
        CommandsTest.Result created = run("keys", "create", "--name", "ci", "--rpm", "60", "--data-dir", data);
        assertThat(created.exit()).as(created.err()).isZero();
        String secret = created.out().strip();
        assertThat(secret).startsWith("sk-sirocco-").hasSize("sk-sirocco-".length() + 43);
        assertThat(created.err()).contains("not shown again").doesNotContain(secret);
        // the stored key answers to the printed secret
        assertThat(new KeyStore(Database.open(dir)).authenticate(secret)).map(k -> k.name()).contains("ci");

        CommandsTest.Result list = run("keys", "list", "--json", "--data-dir", data);
        assertThat(list.exit()).isZero();
        assertThat(list.out()).doesNotContain(secret);
        JsonNode keys = JSON.readTree(list.out());
        assertThat(keys).hasSize(1);
        JsonNode k = keys.get(0);
        assertThat(k.get("id").asText()).startsWith("key_");
        assertThat(k.get("name").asText()).isEqualTo("ci");
        assertThat(k.get("prefix").asText()).isEqualTo(secret.substring(0, 15));
        assertThat(k.get("scopes")).extracting(JsonNode::asText).containsExactly("inference");
        assertThat(k.get("rpm").asLong()).isEqualTo(60);
        assertThat(k.get("tpm").isNull()).isTrue();
        assertThat(k.get("revoked").isNull()).isTrue();
        assertThat(k.get("created").asText()).endsWith("Z");
        assertThat(k.has("last_used")).isTrue();

        CommandsTest.Result table = run("keys", "list", "--data-dir", data);
        assertThat(table.out()).contains(k.get("id").asText(), "ci", secret.substring(0, 15)).doesNotContain(secret);
    }

    @Test
    void createJsonCarriesTheSecretAndTheAdminScope() throws Exception {
        CommandsTest.Result r = run("keys", "create", "--admin", "--tpm", "5000", "--json", "--data-dir", dir.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode k = JSON.readTree(r.out());
        assertThat(k.get("key").asText()).startsWith(k.get("prefix").asText());
        assertThat(k.get("scopes")).extracting(JsonNode::asText).containsExactly("inference", "admin");
        assertThat(k.get("tpm").asLong()).isEqualTo(5000);
        assertThat(k.get("name").asText()).isEqualTo("default");
    }

    @Test
    void revokeMarksTheKeyAndUnknownIdsExitWith2() throws Exception {
        String data = dir.toString();
        JsonNode k = JSON.readTree(run("keys", "create", "--json", "--data-dir", data).out());
        String id = k.get("id").asText();

        CommandsTest.Result revoked = run("keys", "revoke", id, "--data-dir", data);
        assertThat(revoked.exit()).as(revoked.err()).isZero();
        assertThat(revoked.out()).contains("revoked " + id);
        JsonNode listed = JSON.readTree(run("keys", "list", "--json", "--data-dir", data).out()).get(0);
        assertThat(listed.get("revoked").asText()).endsWith("Z");
        assertThat(new KeyStore(Database.open(dir)).authenticate(k.get("key").asText()).orElseThrow().isRevoked()).isTrue();

        CommandsTest.Result again = run("keys", "revoke", id, "--data-dir", data);
        assertThat(again.exit()).isZero();
        assertThat(again.out()).contains("already revoked");

        CommandsTest.Result unknown = run("keys", "revoke", "key_nope", "--data-dir", data);
        assertThat(unknown.exit()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(unknown.err().strip()).startsWith("sirocco: no key has the id 'key_nope'").contains("sirocco keys list");
    }

    @Test
    void badUsageExitsWith2() {
        assertThat(run("keys", "create", "--rpm", "0", "--data-dir", dir.toString()).exit()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(run("keys", "create", "--rpm", "many", "--data-dir", dir.toString()).exit()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(run("keys", "--data-dir", dir.toString()).exit()).isEqualTo(Main.EXIT_BAD_INPUT);
        CommandsTest.Result none = run("keys");
        assertThat(none.exit()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(none.err()).contains("create, list or revoke");
        assertThat(run("keys", "revoke", "--data-dir", dir.toString()).exit()).isEqualTo(Main.EXIT_BAD_INPUT);
        CommandsTest.Result empty = run("keys", "list", "--data-dir", dir.toString());
        assertThat(empty.exit()).isZero();
        assertThat(empty.out()).contains("no keys");
        assertThat(run("keys", "--help").exit()).isZero();
    }

    @Test
    void aDataDirThatCannotHoldTheDatabaseExitsWith2() throws Exception {
        Path file = java.nio.file.Files.writeString(dir.resolve("not-a-directory"), "x");
        CommandsTest.Result r = run("keys", "list", "--data-dir", file.toString());
        assertThat(r.exit()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(r.err().strip()).startsWith("sirocco: cannot open the database").endsWith("(give a writable --data-dir)");
    }
}
