package dev.sirocco.cli;

import dev.sirocco.server.store.KeyStore;
import dev.sirocco.server.store.StoredKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code sirocco keys revoke ID}: the key stops working at once, on a running server too (it checks every request). */
@Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke an API key; a running server refuses it from its next request.")
final class RevokeKeyCommand implements Callable<Integer> {
    @Mixin
    DataDirOption data;

    @Parameters(index = "0", paramLabel = "ID", description = "The key's id, as 'sirocco keys list' prints it (key_...).")
    String id;

    @Override
    public Integer call() throws Exception {
        KeyStore keys = new KeyStore(data.database());
        StoredKey before = keys.get(id).orElseThrow(() ->
                new BadInputException("no key has the id '" + id + "' in " + data.dataDir() + "; 'sirocco keys list' shows the ids"));
        StoredKey after = keys.revoke(id).orElseThrow();
        if (before.isRevoked()) {
            System.out.println(id + " was already revoked on " + KeyJson.time(after.revoked()));
        } else {
            System.out.println("revoked " + id + " (" + after.name() + ")");
        }
        return Main.EXIT_OK;
    }
}
