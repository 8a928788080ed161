package dev.sirocco.server.store;

import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The platform's database: one SQLite file, {@code sirocco.db} in the data directory, brought to the newest schema
 * by Flyway when opened ({@code db/migration/V<n>__*.sql}); every store reads and writes it through {@link #jdbi()}.
 *
 * <p>Each JDBI handle opens its own connection (SQLite connections are cheap and the file is the shared state), so
 * a {@code sirocco keys} command in another process and the server see each other's writes at once. WAL lets readers
 * and one writer proceed together; {@code synchronous=FULL} makes every commit durable before it returns, so an API
 * answer never reports a write the disk has not got; a busy timeout lets concurrent writers wait their turn.
 */
public final class Database {
    public static final String FILE_NAME = "sirocco.db";
    private static final int BUSY_TIMEOUT_MILLIS = 10_000;

    private final Path file;
    private final Jdbi jdbi;
    private final int migrationsApplied;

    private Database(Path file, Jdbi jdbi, int migrationsApplied) {
        this.file = file;
        this.jdbi = jdbi;
        this.migrationsApplied = migrationsApplied;
    }

    /** Opens (creating if needed) {@code dataDir/sirocco.db} and applies the migrations it has not had yet. */
    public static Database open(Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        Path file = dataDir.resolve(FILE_NAME).toAbsolutePath();
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        config.enforceForeignKeys(true);
        SQLiteDataSource source = new SQLiteDataSource(config);
        source.setUrl("jdbc:sqlite:" + file);
        int applied = Flyway.configure()
                .dataSource(source)
                .locations("classpath:db/migration")
                .loggers("slf4j") // never its console logger: that would write to stdout, where --json output goes
                .load()
                .migrate()
                .migrationsExecuted;
        return new Database(file, Jdbi.create(source), applied);
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    public Path file() {
        return file;
    }

    /** How many migrations this open applied (0 when the file was already up to date). */
    public int migrationsApplied() {
        return migrationsApplied;
    }
}
