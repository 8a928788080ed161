package dev.sirocco.models.hub;

import dev.sirocco.engine.gguf.GgufFile;
import dev.sirocco.engine.gguf.GgufFormatException;
import dev.sirocco.models.ModelRequestException;
import dev.sirocco.models.store.GgufSummary;
import dev.sirocco.models.store.ModelIds;
import dev.sirocco.models.store.ModelManifest;
import dev.sirocco.models.store.ModelStore;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
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
    private final Duration stallTimeout;

    /**
     * @param log      where one-line status messages go (stderr in the CLI)
     * @param progress a progress display per file name
     */
    public ModelPuller(ModelStore store, HubClient client, PrintStream log, Function<String, DownloadProgress> progress) {
        this(store, client, log, progress, Downloader.DEFAULT_STALL_TIMEOUT);
    }

    /** As above; a connection silent for {@code stallTimeout} is dropped and the download resumed. */
    public ModelPuller(ModelStore store, HubClient client, PrintStream log, Function<String, DownloadProgress> progress,
                       Duration stallTimeout) {
        this.store = store;
        this.client = client;
        this.log = log;
        this.progress = progress;
        this.stallTimeout = stallTimeout;
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
        List<HubFile> files = GgufChoice.choose(repo, ref);
        HubFile file = files.getFirst();
        if (files.size() == 1 && file.sha256() != null) {
            Optional<ModelManifest> same = store.list().stream().filter(m -> file.sha256().equalsIgnoreCase(m.sha256())).findFirst();
            if (same.isPresent()) {
                log.println(ref + " is already in the store as " + same.get().id());
                return same.get();
            }
        }
        Path downloads = store.downloadsDir();
        Files.createDirectories(downloads);
        List<Path> parts = new ArrayList<>();
        long need = 0;
        long total = 0;
        for (HubFile f : files) {
            Path part = downloads.resolve((ref.repo() + "--" + f.name()).replaceAll("[^A-Za-z0-9._-]", "_") + ".part");
            parts.add(part);
            long have = Files.exists(part) ? Files.size(part) : 0;
            if (f.size() >= 0) {
                need += f.size() - Math.min(have, f.size());
                total += f.size();
            }
        }
        if (files.size() > 1) {
            need += total; // the shards are joined into one more file before they are deleted
        }
        long free = DiskSpace.usable(downloads);
        if (need > free) {
            throw new ModelRequestException("not enough disk space for " + file.name() + (files.size() > 1 ? " and its "
                    + (files.size() - 1) + " other shards" : "") + ": it needs " + ProgressBar.bytes(need) + " more and "
                    + downloads + " has " + ProgressBar.bytes(free) + " free; free some space or give --data-dir on a larger disk");
        }
        List<String> shas = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            shas.add(download(ref, files.get(i), parts.get(i)));
        }
        Path model = parts.getFirst();
        String sha = shas.getFirst();
        if (files.size() > 1) {
            model = downloads.resolve(parts.getFirst().getFileName() + ".joined");
            log.println("joining " + files.size() + " shards into one file");
            try {
                SplitGguf.merge(parts, model);
            } catch (GgufFormatException e) {
                throw new ModelRequestException("a shard of " + file.name() + " from " + ref.repo() + " is not a valid GGUF file ("
                        + e.getMessage() + ")", e);
            }
            sha = sha256Of(model);
        }
        String type;
        try (GgufFile gguf = GgufFile.open(model)) {
            type = GgufSummary.of(gguf).type();
        } catch (GgufFormatException e) {
            Files.deleteIfExists(model);
            throw new ModelRequestException(file.name() + " from " + ref.repo() + " is not a valid GGUF file (" + e.getMessage() + ")", e);
        }
        String name = files.size() > 1 ? GgufChoice.SPLIT.matcher(GgufChoice.baseName(file.name())).replaceFirst("$1.gguf") : file.name();
        String id = ModelIds.forFile(name, type);
        String source = "hf:" + ref.repo() + "/" + file.name() + "@" + repo.commit();
        ModelManifest m = store.add(id, model, source, sha);
        if (files.size() > 1) {
            for (Path p : parts) {
                Files.deleteIfExists(p); // joined and stored: the shards are no longer needed for a resume
            }
        }
        boolean verified = files.stream().allMatch(f -> f.sha256() != null);
        log.println("stored as " + m.id() + (verified ? " (SHA-256 verified)" : " (no checksum on the hub; SHA-256 recorded)"));
        return m;
    }

    private String download(HubReference ref, HubFile file, Path part) throws IOException {
        long have = Files.exists(part) ? Files.size(part) : 0;
        log.println("pulling " + file.name() + " from " + ref.repo() + " (revision " + ref.revision() + ", "
                + (file.size() >= 0 ? ProgressBar.bytes(file.size()) : "size unknown")
                + (have > 0 ? ", resuming at " + ProgressBar.bytes(have) : "") + ")");
        try {
            return new Downloader(client, ATTEMPTS, stallTimeout).download(ref.repo(), ref.revision(), file, part, progress.apply(file.name()));
        } catch (ModelRequestException e) {
            throw e;
        } catch (IOException e) {
            throw HubClient.unreachable(client.endpoint(), e);
        }
    }

    private static String sha256Of(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 20];
            int n;
            while ((n = in.read(buf)) > 0) {
                sha.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
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
