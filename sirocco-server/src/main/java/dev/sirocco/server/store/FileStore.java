package dev.sirocco.server.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Uploaded files: the bytes in {@code DATA_DIR/files/<id>}, the metadata in the {@code files} table. An upload is
 * written beside its final place, forced to disk, renamed into place and only then recorded, so a row always names a
 * complete file and an answer never reports an upload the disk has not got; a failed upload leaves nothing behind.
 */
public final class FileStore {
    private final Database database;
    private final Path dir;

    public FileStore(Database database, Path dataDir) throws IOException {
        this.database = database;
        this.dir = dataDir.resolve("files").toAbsolutePath();
        Files.createDirectories(dir);
    }

    /** A fresh file to stream an upload into, inside the store's folder (so the final rename stays on one disk). */
    public Path newUpload() throws IOException {
        return Files.createTempFile(dir, "upload-", ".part");
    }

    /** Where the bytes of file {@code id} are. */
    public Path path(String id) {
        return dir.resolve(id);
    }

    /** Moves a complete upload into place, durably, and records it. */
    public StoredFile save(Path upload, String owner, String filename, String purpose, Long lines, long nowMs) throws IOException {
        StoredFile f = new StoredFile(RandomIds.of("file-", 24), owner, filename, purpose, Files.size(upload), lines, nowMs);
        try (FileChannel c = FileChannel.open(upload, StandardOpenOption.WRITE)) {
            c.force(true);
        }
        Path target = path(f.id());
        Files.move(upload, target, StandardCopyOption.ATOMIC_MOVE);
        forceDirectory(dir);
        try {
            database.jdbi().useHandle(h -> h.createUpdate("INSERT INTO files (id, owner, filename, purpose, bytes, lines, created_ms)"
                            + " VALUES (:id, :owner, :filename, :purpose, :bytes, :lines, :created)")
                    .bind("id", f.id()).bind("owner", f.owner()).bind("filename", f.filename()).bind("purpose", f.purpose())
                    .bind("bytes", f.bytes()).bind("lines", f.lines()).bind("created", f.createdMs())
                    .execute());
        } catch (RuntimeException e) {
            Files.deleteIfExists(target);
            throw e;
        }
        return f;
    }

    public Optional<StoredFile> get(String id) {
        return database.jdbi().withHandle(h -> h.createQuery("SELECT * FROM files WHERE id = :id").bind("id", id)
                .map((rs, ctx) -> row(rs)).findOne());
    }

    /**
     * Files newest first.
     *
     * @param owner   only this owner's, or null for everyone's
     * @param purpose only this purpose, or null
     * @param after   the id of the last file of the previous page, or null
     * @param limit   at most this many
     */
    public List<StoredFile> list(String owner, String purpose, String after, int limit) {
        List<String> where = new ArrayList<>();
        if (owner != null) {
            where.add("owner = :owner");
        }
        if (purpose != null) {
            where.add("purpose = :purpose");
        }
        StoredFile cursor = after == null ? null : get(after).orElse(null);
        if (cursor != null) {
            where.add("(created_ms < :cms OR (created_ms = :cms AND id < :cid))");
        }
        String sql = "SELECT * FROM files" + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where))
                + " ORDER BY created_ms DESC, id DESC LIMIT :limit";
        return database.jdbi().withHandle(h -> {
            var q = h.createQuery(sql).bind("limit", limit);
            if (owner != null) {
                q.bind("owner", owner);
            }
            if (purpose != null) {
                q.bind("purpose", purpose);
            }
            if (cursor != null) {
                q.bind("cms", cursor.createdMs()).bind("cid", cursor.id());
            }
            return q.map((rs, ctx) -> row(rs)).list();
        });
    }

    /** Forgets file {@code id} and deletes its bytes; false when there was no such file. */
    public boolean delete(String id) throws IOException {
        int rows = database.jdbi().withHandle(h -> h.createUpdate("DELETE FROM files WHERE id = :id").bind("id", id).execute());
        Files.deleteIfExists(path(id));
        return rows > 0;
    }

    private static StoredFile row(java.sql.ResultSet rs) throws java.sql.SQLException {
        long lines = rs.getLong("lines");
        Long l = rs.wasNull() ? null : lines;
        return new StoredFile(rs.getString("id"), rs.getString("owner"), rs.getString("filename"), rs.getString("purpose"),
                rs.getLong("bytes"), l, rs.getLong("created_ms"));
    }

    /** Makes a rename in {@code dir} durable (a no-op where the platform cannot open folders). */
    static void forceDirectory(Path dir) {
        try (FileChannel c = FileChannel.open(dir, StandardOpenOption.READ)) {
            c.force(true);
        } catch (IOException e) {
            // Some platforms refuse to open a folder; the rename is then as durable as they make it.
        }
    }
}
