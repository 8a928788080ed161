package dev.sirocco.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sirocco.server.store.KeyStore;
import dev.sirocco.server.store.NewKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/**
 * {@code sirocco keys create}: a new key, its secret printed once (alone on stdout, so {@code KEY=$(sirocco keys
 * create)} works) and never again: only its SHA-256 is stored.
 */
@Command(name = "create", mixinStandardHelpOptions = true,
        description = "Create an API key and print its secret (shown only this once).")
final class CreateKeyCommand implements Callable<Integer> {
    @Mixin
    DataDirOption data;

    @Option(names = "--name", paramLabel = "NAME", defaultValue = "default", description = "What the key is for (default: default).")
    String name;

    @Option(names = "--admin", description = "Let the key read every key's usage (GET /v1/usage).")
    boolean admin;

    @Option(names = "--rpm", paramLabel = "N", description = "Requests per minute allowed (default: no limit).")
    Long rpm;

    @Option(names = "--tpm", paramLabel = "N", description = "Prompt + completion tokens per minute allowed (default: no limit).")
    Long tpm;

    @Option(names = "--json", description = "Print the key as JSON, its secret in \"key\".")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (name.isBlank()) {
            throw new BadInputException("--name must not be empty");
        }
        if (rpm != null && rpm < 1 || tpm != null && tpm < 1) {
            throw new BadInputException("--rpm and --tpm must be at least 1 (leave them out for no limit)");
        }
        NewKey created = new KeyStore(data.database()).create(name, admin, rpm, tpm);
        if (json) {
            ObjectNode o = KeyJson.of(created.key());
            o.put("key", created.secret().value());
            System.out.println(KeyJson.JSON.writeValueAsString(o));
            return Main.EXIT_OK;
        }
        System.out.println(created.secret().value());
        System.err.printf("sirocco: created key %s '%s' (%s; %s requests/min, %s tokens/min). Keep the secret above: it is not shown again.%n",
                created.key().id(), created.key().name(), String.join(" ", created.key().scopes()),
                rpm == null ? "no limit on" : rpm, tpm == null ? "no limit on" : tpm);
        return Main.EXIT_OK;
    }
}
