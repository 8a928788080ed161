package dev.sirocco.cli;

import dev.sirocco.models.store.ModelStore;
import dev.sirocco.server.store.Database;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The {@code --data-dir} option (default {@code ~/.sirocco}, or {@code $SIROCCO_DATA_DIR}), the model store and database in it. */
public final class DataDirOption {
    @Option(names = "--data-dir", paramLabel = "DIR", description = "Where models and other data live (default: $SIROCCO_DATA_DIR or ~/.sirocco).")
    Path dataDir;

    Path dataDir() {
        return dataDir != null ? dataDir : ModelStore.defaultDataDir();
    }

    ModelStore store() {
        return new ModelStore(dataDir());
    }

    Database database() {
        return openDatabase(dataDir());
    }

    /** Opens {@code dir/sirocco.db}; a directory that cannot hold it is the user's to fix (exit 2), said in one sentence. */
    static Database openDatabase(Path dir) {
        try {
            return Database.open(dir);
        } catch (Exception e) {
            throw new BadInputException("cannot open the database " + dir.resolve(Database.FILE_NAME) + ": " + e.getMessage()
                    + " (give a writable --data-dir)");
        }
    }
}
