package dev.sirocco.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.sirocco.models.store.ModelManifest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code sirocco list}: the models in the store, one line each (or a JSON array of manifests). */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List the models in the model store.")
final class ListCommand implements Callable<Integer> {
    @Mixin
    DataDirOption data;

    @Option(names = "--json", description = "Print a JSON array of manifests.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        List<ModelManifest> models = data.store().list();
        if (json) {
            System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(models));
            return Main.EXIT_OK;
        }
        if (models.isEmpty()) {
            System.out.println("no models in " + data.store().modelsDir() + " (get one with: sirocco pull hf:OWNER/REPO)");
            return Main.EXIT_OK;
        }
        String format = "%-40s %-10s %-9s %-8s %-11s %-20s %s%n";
        System.out.printf(format, "ID", "ARCH", "PARAMS", "TYPE", "SIZE", "ADDED", "SOURCE");
        for (ModelManifest m : models) {
            String added = m.added().length() >= 19 ? m.added().substring(0, 19).replace('T', ' ') : m.added();
            System.out.printf(format, m.id(), m.architecture(), Sizes.count(m.parameters()), m.type(),
                    Sizes.bytes(m.size()), added, m.source());
        }
        return Main.EXIT_OK;
    }
}
