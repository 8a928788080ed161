package dev.sirocco.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.sirocco.models.store.ModelManifest;
import dev.sirocco.models.store.ModelStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code sirocco show ID}: one stored model's manifest and where its file is. */
@Command(name = "show", mixinStandardHelpOptions = true, description = "Show a stored model's manifest and file.")
final class ShowCommand implements Callable<Integer> {
    @Mixin
    DataDirOption data;

    @Parameters(index = "0", paramLabel = "ID", description = "A model id, as 'sirocco list' prints it.")
    String id;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        ModelStore store = data.store();
        ModelManifest m = store.get(id);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("id", m.id());
        r.put("file", store.modelFile(id).toString());
        r.put("architecture", m.architecture());
        r.put("parameters", m.parameters());
        r.put("type", m.type());
        r.put("size", m.size());
        r.put("sha256", m.sha256());
        r.put("source", m.source());
        r.put("added", m.added());
        if (json) {
            System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(r));
        } else {
            r.forEach((k, v) -> System.out.printf("%-13s %s%n", k + ":", switch (k) {
                case "parameters" -> Sizes.count(m.parameters()) + " (" + v + ")";
                case "size" -> Sizes.bytes(m.size()) + " (" + v + " bytes)";
                default -> v;
            }));
        }
        return Main.EXIT_OK;
    }
}
