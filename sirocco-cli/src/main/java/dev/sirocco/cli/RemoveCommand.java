package dev.sirocco.cli;

import dev.sirocco.models.store.ModelManifest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code sirocco rm ID}: deletes a model from the store. */
@Command(name = "rm", mixinStandardHelpOptions = true, description = "Remove a model from the model store.")
final class RemoveCommand implements Callable<Integer> {
    @Mixin
    DataDirOption data;

    @Parameters(index = "0", paramLabel = "ID", description = "A model id, as 'sirocco list' prints it.")
    String id;

    @Override
    public Integer call() throws Exception {
        ModelManifest m = data.store().remove(id);
        System.out.println("removed " + m.id() + " (" + Sizes.bytes(m.size()) + " freed)");
        return Main.EXIT_OK;
    }
}
