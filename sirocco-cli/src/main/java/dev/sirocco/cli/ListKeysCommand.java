package dev.sirocco.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.sirocco.server.store.KeyStore;
import dev.sirocco.server.store.StoredKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code sirocco keys list}: every key, revoked ones included, without secrets. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List the API keys (never their secrets).")
final class ListKeysCommand implements Callable<Integer> {
    @Mixin
    DataDirOption data;

    @Option(names = "--json", description = "Print a JSON array of keys.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        List<StoredKey> keys = new KeyStore(data.database()).list();
        if (json) {
            ArrayNode array = KeyJson.JSON.createArrayNode();
            keys.forEach(k -> array.add(KeyJson.of(k)));
            System.out.println(KeyJson.JSON.writeValueAsString(array));
            return Main.EXIT_OK;
        }
        if (keys.isEmpty()) {
            System.out.println("no keys in " + data.dataDir() + " (create one with: sirocco keys create --name NAME)");
            return Main.EXIT_OK;
        }
        String format = "%-20s %-16s %-18s %-15s %-7s %-8s %-16s %-16s %s%n";
        System.out.printf(format, "ID", "NAME", "PREFIX", "SCOPES", "RPM", "TPM", "CREATED", "LAST USED", "REVOKED");
        for (StoredKey k : keys) {
            System.out.printf(format, k.id(), k.name(), k.prefix() + "...", String.join(",", k.scopes()),
                    k.rpm() == null ? "-" : k.rpm(), k.tpm() == null ? "-" : k.tpm(),
                    minute(k.created()), minute(k.lastUsed()), minute(k.revoked()));
        }
        return Main.EXIT_OK;
    }

    private static String minute(Instant t) {
        return t == null ? "-" : t.toString().substring(0, 16).replace('T', ' ');
    }
}
