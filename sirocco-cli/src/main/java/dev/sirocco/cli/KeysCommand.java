package dev.sirocco.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code sirocco keys create|list|revoke}: the API keys the server accepts, kept in the data directory's database. */
@Command(name = "keys", mixinStandardHelpOptions = true,
        description = "Manage the API keys 'sirocco serve' accepts (kept in DATA_DIR/sirocco.db).",
        subcommands = {CreateKeyCommand.class, ListKeysCommand.class, RevokeKeyCommand.class})
final class KeysCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "say what to do with keys: create, list or revoke");
    }
}
