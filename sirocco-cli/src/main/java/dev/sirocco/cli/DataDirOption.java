package dev.sirocco.cli;

import dev.sirocco.models.store.ModelStore;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The {@code --data-dir} option (default {@code ~/.sirocco}, or {@code $SIROCCO_DATA_DIR}) and the model store in it. */
public final class DataDirOption {
    @Option(names = "--data-dir", paramLabel = "DIR", description = "Where models and other data live (default: $SIROCCO_DATA_DIR or ~/.sirocco).")
    Path dataDir;

    Path dataDir() {
        return dataDir != null ? dataDir : ModelStore.defaultDataDir();
    }

    ModelStore store() {
        return new ModelStore(dataDir());
    }
}
