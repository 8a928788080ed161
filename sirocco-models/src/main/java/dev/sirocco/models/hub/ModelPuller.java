package dev.sirocco.models.hub;

import dev.sirocco.engine.gguf.GgufFile;
import dev.sirocco.engine.gguf.GgufFormatException;
import dev.sirocco.models.ModelRequestException;
import dev.sirocco.models.store.GgufSummary;
import dev.sirocco.models.store.ModelIds;
import dev.sirocco.models.store.ModelManifest;
import dev.sirocco.models.store.ModelStore;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code pull}: lists the repository, picks the GGUF, checks the disk, downloads (resumable, verified) into the
 * store's download directory and moves the file into the store under an id derived from its name.
 */
public final class ModelPuller {
    private static final int ATTEMPTS = 4;

    private final ModelStore store;
    private final HubClient client;
    private final PrintStream log;
    private final Function<String, DownloadProgress> progress;

    /**
     * @param log      where one-line status messages go (stderr in the CLI)
     * @param progress a progress display per file name
     */
    public ModelPuller(ModelStore store, HubClient client, PrintStream log, Function<String, DownloadProgress> progress) {
        this.store = store;
        this.client = client;
        this.log = log;
        this.progress = progress;
    }

    /** The stored model for {@code ref}, pulled first unless already in the store. */
    public ModelManifest pull(HubReference ref, boolean offline) throws IOException {
        if (offline) {
            return stored(ref).orElseThrow(() -> new ModelRequestException(ref + " is not in the store at "
                    + store.modelsDir() + " and --offline forbids downloading it; pull it once without --offline"));
        }
        HubRepository repo;
        try {
            repo = client.repository(ref.repo(), ref.revision());
        } catch (ModelRequestException e) {
            throw e;
        } catch (IOException e) {
            throw HubClient.unreachable(client.endpoint(), e);
        }
        HubFile file = GgufChoice.choose(repo, ref);
        if (file.sha256() != null) {
            Optional<ModelManifest> same = store.list().stream().filter(m -> file.sha256().equalsIgnoreCase(m.sha256())).findFirst();
            if (same.isPresent()) {
                log.println(ref + " is already in the store as " + same.get().id());
                return same.get();
            }
        }
        Path downloads = store.downloadsDir();
        Files.createDirectories(downloads);
        Path part = downloads.resolve((ref.repo() + "--" + file.name()).replaceAll("[^A-Za-z0-9._-]", "_") + ".part");
        long have = Files.exists(part) ? Files.size(part) : 0;
        if (file.size() >= 0) {
            long need = file.size() - Math.min(have, file.size());
            long free = DiskSpace.usable(downloads);
            if (need > free) {
                throw new ModelRequestException("not enough disk space for " + file.name() + ": it needs "
                        + ProgressBar.bytes(need) + " more and " + downloads + " has " + ProgressBar.bytes(free)
                        + " free; free some space or give --data-dir on a larger disk");
            }
        }
        log.println("pulling " + file.name() + " from " + ref.repo() + " (revision " + ref.revision() + ", "
                + (file.size() >= 0 ? ProgressBar.bytes(file.size()) : "size unknown")
                + (have > 0 ? ", resuming at " + ProgressBar.bytes(have) : "") + ")");
        String sha;
        try {
            sha = new Downloader(client, ATTEMPTS).download(ref.repo(), ref.revision(), file, part, progress.apply(file.name()));
        } catch (ModelRequestException e) {
            throw e;
        } catch (IOException e) {
            throw HubClient.unreachable(client.endpoint(), e);
        }
        String type;
        try (GgufFile gguf = GgufFile.open(part)) {
            type = GgufSummary.of(gguf).type();
        } catch (GgufFormatException e) {
            Files.deleteIfExists(part);
            throw new ModelRequestException(file.name() + " from " + ref.repo() + " is not a valid GGUF file (" + e.getMessage() + ")", e);
        }
        String id = ModelIds.forFile(file.name(), type);
        String source = "hf:" + ref.repo() + "/" + file.name() + "@" + repo.commit();
        ModelManifest m = store.add(id, part, source, sha);
        log.println("stored as " + m.id() + (file.sha256() != null ? " (SHA-256 verified)" : " (no checksum on the hub; SHA-256 recorded)"));
        return m;
    }

    /** The stored model that {@code ref} would pull (same repository, same file or quantization), if any. */
    Optional<ModelManifest> stored(HubReference ref) {
        String prefix = "hf:" + ref.repo() + "/";
        return store.list().stream().filter(m -> m.source() != null && m.source().startsWith(prefix)).filter(m -> {
            String rest = m.source().substring(prefix.length());
            String fileName = rest.contains("@") ? rest.substring(0, rest.lastIndexOf('@')) : rest;
            if (ref.selectsFile()) {
                return GgufChoice.baseName(fileName).equals(GgufChoice.baseName(ref.selector()));
            }
            return ModelIds.quantizationOf(fileName).map(q -> q.equals(ref.quantization().toUpperCase(Locale.ROOT))).orElse(false);
        }).findFirst();
    }
}
