package dev.sirocco.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.sirocco.models.hub.HubClient;
import dev.sirocco.models.hub.HubReference;
import dev.sirocco.models.hub.ModelPuller;
import dev.sirocco.models.hub.ProgressBar;
import dev.sirocco.models.store.ModelManifest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.net.URI;
import java.util.concurrent.Callable;

/** {@code sirocco pull hf:OWNER/REPO[:QUANT|:FILE]}: downloads a GGUF from the Hugging Face hub into the model store. */
@Command(name = "pull", mixinStandardHelpOptions = true,
        description = {"Download a GGUF model from Hugging Face into the model store (resumable, SHA-256 verified).",
                "HF_TOKEN authenticates (gated and private models); HF_ENDPOINT points at a mirror."})
final class PullCommand implements Callable<Integer> {
    @Mixin
    DataDirOption data;

    @Parameters(index = "0", paramLabel = "hf:OWNER/REPO[:QUANT|:FILE]",
            description = "The repository, then a quantization (default Q4_K_M) or an exact .gguf file name.")
    String model;

    @Option(names = "--revision", paramLabel = "R", description = "Branch, tag or commit (default main).")
    String revision;

    @Option(names = "--offline", description = "Do not touch the network: succeed only if the model is already in the store.")
    boolean offline;

    @Option(names = "--json", description = "Print the stored model's manifest as JSON.")
    boolean json;

    @Option(names = "--endpoint", hidden = true, paramLabel = "URL", description = "Hub endpoint (default $HF_ENDPOINT or https://huggingface.co).")
    URI endpoint;

    @Override
    public Integer call() throws Exception {
        HubReference ref = HubReference.parse(model, revision);
        HubClient env = HubClient.fromEnvironment();
        HubClient client = endpoint != null ? new HubClient(endpoint, System.getenv(HubClient.TOKEN_ENV)) : env;
        ModelPuller puller = new ModelPuller(data.store(), client, System.err, file -> new ProgressBar(System.err, file));
        ModelManifest m = puller.pull(ref, offline);
        if (json) {
            System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(m));
        } else {
            System.out.println(m.id());
        }
        return Main.EXIT_OK;
    }
}
