package dev.sirocco.models.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.sirocco.engine.gguf.GgufFile;
import dev.sirocco.models.ModelRequestException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The local model store: {@code DATA_DIR/models/<id>/model.gguf} plus {@code manifest.json} (a {@link ModelManifest}).
 * The directory name is the id with ':' written as '+' (not an id character, so the mapping is reversible and safe on
 * every file system). A model enters by an atomic rename, so the store never lists a half-written file.
 */
public final class ModelStore {
    public static final String DATA_DIR_PROPERTY = "sirocco.data.dir";
    public static final String DATA_DIR_ENV = "SIROCCO_DATA_DIR";
    static final String MODEL_FILE = "model.gguf";
    static final String MANIFEST_FILE = "manifest.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path dataDir;

    public ModelStore(Path dataDir) {
        this.dataDir = dataDir.toAbsolutePath();
    }

    /** {@code -Dsirocco.data.dir}, else {@code $SIROCCO_DATA_DIR}, else {@code ~/.sirocco}. */
    public static Path defaultDataDir() {
        String p = System.getProperty(DATA_DIR_PROPERTY);
        if (p == null || p.isBlank()) {
            p = System.getenv(DATA_DIR_ENV);
        }
        if (p == null || p.isBlank()) {
            return Path.of(System.getProperty("user.home"), ".sirocco");
        }
        return Path.of(p);
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path modelsDir() {
        return dataDir.resolve("models");
    }

    /** Where downloads in progress live ({@code *.part}), on the same file system as the store for atomic renames. */
    public Path downloadsDir() {
        return dataDir.resolve("downloads");
    }

    /** Every model with a readable manifest, sorted by id. */
    public List<ModelManifest> list() {
        Path dir = modelsDir();
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<ModelManifest> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path d : ds) {
                Path manifest = d.resolve(MANIFEST_FILE);
                if (Files.isRegularFile(manifest) && Files.isRegularFile(d.resolve(MODEL_FILE))) {
                    out.add(readManifest(manifest));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.sort(Comparator.comparing(ModelManifest::id));
        return out;
    }

    public Optional<ModelManifest> find(String id) {
        if (!ModelIds.isValid(id)) {
            return Optional.empty();
        }
        Path d = modelDir(id);
        Path manifest = d.resolve(MANIFEST_FILE);
        if (!Files.isRegularFile(manifest) || !Files.isRegularFile(d.resolve(MODEL_FILE))) {
            return Optional.empty();
        }
        return Optional.of(readManifest(manifest));
    }

    /** The manifest of {@code id}, or a {@link ModelRequestException} naming the closest ids. */
    public ModelManifest get(String id) {
        return find(id).orElseThrow(() -> unknown(id));
    }

    /** The GGUF file of {@code id} (which must be in the store). */
    public Path modelFile(String id) {
        get(id);
        return modelDir(id).resolve(MODEL_FILE);
    }

    /**
     * A {@code --model} argument: an existing file is itself; anything else must be a store id. The error for
     * neither says both and lists the closest ids.
     */
    public Path resolve(String model) {
        Path p = Path.of(model);
        if (Files.isRegularFile(p)) {
            return p;
        }
        Optional<ModelManifest> m = find(model);
        if (m.isPresent()) {
            return modelDir(model).resolve(MODEL_FILE);
        }
        List<String> close = ModelIds.closest(model, list().stream().map(ModelManifest::id).toList(), 5);
        String hint = close.isEmpty() ? " (see 'sirocco list', or 'sirocco pull hf:OWNER/REPO' to get one)"
                : "; did you mean " + String.join(", ", close) + "?";
        throw new ModelRequestException("model not found: " + model + " is neither a file nor a model in the store at "
                + modelsDir() + hint);
    }

    /**
     * Moves {@code gguf} into the store as {@code id} (replacing a model of that id) and writes its manifest.
     * The file must be on the same file system (downloads are, see {@link #downloadsDir()}) or it is copied.
     */
    public ModelManifest add(String id, Path gguf, String source, String sha256) throws IOException {
        if (!ModelIds.isValid(id)) {
            throw new ModelRequestException("invalid model id '" + id + "': use lower-case letters, digits, '.', '_', '-' and one ':'");
        }
        GgufSummary s;
        try (GgufFile f = GgufFile.open(gguf)) {
            s = GgufSummary.of(f);
        }
        ModelManifest m = new ModelManifest(id, source, sha256, Files.size(gguf), s.architecture(), s.parameters(),
                s.type(), Instant.now().toString());
        Path dir = modelDir(id);
        Files.createDirectories(dir);
        move(gguf, dir.resolve(MODEL_FILE));
        Path tmp = dir.resolve(MANIFEST_FILE + ".tmp");
        JSON.writeValue(tmp.toFile(), m);
        move(tmp, dir.resolve(MANIFEST_FILE));
        return m;
    }

    /** Deletes {@code id}'s directory; returns its manifest. */
    public ModelManifest remove(String id) throws IOException {
        ModelManifest m = get(id);
        Path dir = modelDir(id);
        // The manifest goes first: a crash half way leaves a directory the store no longer lists.
        Files.deleteIfExists(dir.resolve(MANIFEST_FILE));
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
        return m;
    }

    Path modelDir(String id) {
        return modelsDir().resolve(id.replace(':', '+'));
    }

    private ModelRequestException unknown(String id) {
        List<String> close = ModelIds.closest(id, list().stream().map(ModelManifest::id).toList(), 5);
        return new ModelRequestException("no model '" + id + "' in the store at " + modelsDir()
                + (close.isEmpty() ? " (see 'sirocco list')" : "; did you mean " + String.join(", ", close) + "?"));
    }

    private static ModelManifest readManifest(Path p) {
        try {
            return JSON.readValue(p.toFile(), ModelManifest.class);
        } catch (IOException e) {
            throw new ModelRequestException("unreadable manifest " + p + " (" + e.getMessage().lines().findFirst().orElse("")
                    + "); delete its directory or pull the model again", e);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
