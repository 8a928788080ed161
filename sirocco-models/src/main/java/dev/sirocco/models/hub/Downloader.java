package dev.sirocco.models.hub;

import dev.sirocco.models.ModelRequestException;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Downloads one hub file into a {@code .part} file, resuming with an HTTP Range request from whatever the part file
 * already holds (after a cut connection, within this run up to {@code attempts} times, or in a later run), then checks
 * the size and SHA-256 the hub reported. The part file is hashed as it grows, so verifying costs no second read.
 * A complete file that fails the checksum is deleted: which bytes are wrong cannot be known, so it is no valid prefix.
 */
public final class Downloader {
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");
    private static final int BUFFER = 1 << 20;

    /** How long a download may go without a byte before it counts as stalled and is resumed. */
    public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofSeconds(60);

    private final HubClient client;
    private final int attempts;
    private final Duration stallTimeout;

    public Downloader(HubClient client, int attempts) {
        this(client, attempts, DEFAULT_STALL_TIMEOUT);
    }

    /**
     * @param attempts     requests per file before giving up (each resumes where the previous one stopped)
     * @param stallTimeout a connection that delivers no byte for this long is dropped and the download resumed:
     *                     a stalled mirror or proxy would otherwise hang {@code pull} for ever
     */
    public Downloader(HubClient client, int attempts, Duration stallTimeout) {
        this.client = client;
        this.attempts = attempts;
        this.stallTimeout = stallTimeout;
    }

    /** Downloads {@code file} of {@code repo} at {@code revision} into {@code part}; returns its SHA-256 (hex). */
    public String download(String repo, String revision, HubFile file, Path part, DownloadProgress progress) throws IOException {
        URI uri = client.resolveUri(repo, revision, file.name());
        MessageDigest sha = sha256();
        long have = Files.exists(part) ? Files.size(part) : 0;
        if (file.size() >= 0 && have > file.size()) {
            Files.delete(part); // longer than the file: not a prefix of it
            have = 0;
        }
        hashPrefix(part, have, sha);
        long resumedFrom = have;
        IOException last = null;
        try {
            for (int attempt = 1; attempt <= attempts; attempt++) {
                if (file.size() >= 0 && have == file.size()) {
                    break;
                }
                try {
                    have = fetch(uri, repo, revision, file, part, have, sha, progress, resumedFrom);
                    last = null;
                    if (file.size() < 0 || have == file.size()) {
                        break;
                    }
                } catch (ModelRequestException e) {
                    throw e;
                } catch (IOException e) {
                    last = e;
                    have = Files.exists(part) ? Files.size(part) : 0;
                    // the bytes hashed so far are exactly the bytes written, so resume from the file's length
                    sha = sha256();
                    hashPrefix(part, have, sha);
                }
            }
        } finally {
            progress.finished();
        }
        if (last != null || (file.size() >= 0 && have != file.size())) {
            if (isDiskFull(last)) {
                throw new ModelRequestException("the disk is full while downloading " + file.name() + " (" + have
                        + " bytes kept in " + part + " for resuming); free some space and run pull again", last);
            }
            throw new ModelRequestException("the download of " + file.name() + " was interrupted at " + have + " of "
                    + file.size() + " bytes after " + attempts + " attempts (" + last + "); run pull again to resume", last);
        }
        String actual = HexFormat.of().formatHex(sha.digest());
        if (file.sha256() != null && !file.sha256().equalsIgnoreCase(actual)) {
            Files.deleteIfExists(part);
            throw new ModelRequestException("checksum mismatch for " + file.name() + ": the hub says SHA-256 " + file.sha256()
                    + " but the downloaded bytes hash to " + actual + "; the corrupt download was deleted, run pull again");
        }
        return actual;
    }

    /** One request from byte {@code have}; appends what arrives to {@code part}; returns the new length. */
    private long fetch(URI uri, String repo, String revision, HubFile file, Path part, long have, MessageDigest sha,
                       DownloadProgress progress, long resumedFrom) throws IOException {
        Map<String, String> headers = have > 0 ? Map.of("Range", "bytes=" + have + "-") : Map.of();
        HttpResponse<InputStream> r = client.send(uri, headers);
        try (InputStream body = r.body()) {
            int s = r.statusCode();
            if (s == 416 && file.size() >= 0 && have == file.size()) {
                return have;
            }
            if (s == 200 && have > 0) {
                // the server ignored the range: start over
                Files.deleteIfExists(part);
                sha.reset();
                have = 0;
            } else if (s == 206) {
                Matcher m = CONTENT_RANGE.matcher(r.headers().firstValue("Content-Range").orElse(""));
                if (!m.matches() || Long.parseLong(m.group(1)) != have) {
                    throw new IOException("the server answered range bytes=" + have + "- with Content-Range "
                            + r.headers().firstValue("Content-Range").orElse("(none)"));
                }
            } else if (s != 200) {
                String text = new String(body.readNBytes(4096), StandardCharsets.UTF_8);
                throw HubErrors.of(r, text, repo, revision, file.name(), client.hasToken(), client.endpoint());
            }
            long total = file.size() >= 0 ? file.size() : r.headers().firstValueAsLong("Content-Length").orElse(-1);
            try (FileChannel out = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                out.truncate(have);
                out.position(have);
                byte[] buf = new byte[BUFFER];
                int n;
                while ((n = readWithin(body, buf)) > 0) {
                    if (file.size() >= 0 && have + n > file.size()) {
                        throw new ModelRequestException("the hub sent more than the " + file.size() + " bytes it listed for "
                                + file.name() + "; the download was stopped");
                    }
                    ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
                    while (bb.hasRemaining()) {
                        out.write(bb);
                    }
                    sha.update(buf, 0, n);
                    have += n;
                    progress.update(have, total, resumedFrom);
                }
                out.force(false);
            }
            return have;
        }
    }

    /**
     * One read that must deliver within the stall timeout. The read runs on a virtual thread so this one can stop
     * waiting; the body is closed to end the abandoned read ({@code buf} belongs to this request only).
     */
    private int readWithin(InputStream body, byte[] buf) throws IOException {
        FutureTask<Integer> read = new FutureTask<>(() -> body.read(buf));
        Thread.startVirtualThread(read);
        try {
            return read.get(stallTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            read.cancel(true);
            body.close();
            throw new IOException("no data for " + stallTimeout.toMillis() / 1000.0 + " s: the connection stalled");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            read.cancel(true);
            throw new java.io.InterruptedIOException("interrupted while downloading");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause());
        }
    }

    private static void hashPrefix(Path part, long length, MessageDigest sha) throws IOException {
        if (length == 0) {
            return;
        }
        try (InputStream in = Files.newInputStream(part)) {
            byte[] buf = new byte[BUFFER];
            long left = length;
            int n;
            while (left > 0 && (n = in.read(buf, 0, (int) Math.min(buf.length, left))) > 0) {
                sha.update(buf, 0, n);
                left -= n;
            }
        }
    }

    private static boolean isDiskFull(IOException e) {
        return e != null && e.getMessage() != null && e.getMessage().contains("No space left on device");
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
