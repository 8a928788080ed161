package dev.sirocco.server.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The {@code fine_tuning_jobs}, {@code fine_tuning_events} and {@code fine_tuning_checkpoints} tables. */
public final class JobStore {
    private final Database database;

    public JobStore(Database database) {
        this.database = database;
    }

    /** Records a new job; its id is chosen here. */
    public JobRecord create(String owner, String model, String status, String spec, long nowMs) {
        JobRecord j = new JobRecord(RandomIds.of("ftjob-", 24), owner, model, status, spec, null, null, null, null, null,
                nowMs, null, null);
        database.jdbi().useHandle(h -> h.createUpdate("INSERT INTO fine_tuning_jobs (id, owner, model, status, spec, created_ms)"
                        + " VALUES (:id, :owner, :model, :status, :spec, :created)")
                .bind("id", j.id()).bind("owner", owner).bind("model", model).bind("status", status).bind("spec", spec)
                .bind("created", nowMs).execute());
        return j;
    }

    public Optional<JobRecord> get(String id) {
        return database.jdbi().withHandle(h -> h.createQuery("SELECT * FROM fine_tuning_jobs WHERE id = :id").bind("id", id)
                .map((rs, ctx) -> job(rs)).findOne());
    }

    /** Jobs newest first, after the job {@code after} (a page cursor) when given; {@code owner} null for everyone's. */
    public List<JobRecord> list(String owner, String after, int limit) {
        List<String> where = new ArrayList<>();
        if (owner != null) {
            where.add("owner = :owner");
        }
        JobRecord cursor = after == null ? null : get(after).orElse(null);
        if (cursor != null) {
            where.add("(created_ms < :cms OR (created_ms = :cms AND id < :cid))");
        }
        String sql = "SELECT * FROM fine_tuning_jobs" + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where))
                + " ORDER BY created_ms DESC, id DESC LIMIT :limit";
        return database.jdbi().withHandle(h -> {
            var q = h.createQuery(sql).bind("limit", limit);
            if (owner != null) {
                q.bind("owner", owner);
            }
            if (cursor != null) {
                q.bind("cms", cursor.createdMs()).bind("cid", cursor.id());
            }
            return q.map((rs, ctx) -> job(rs)).list();
        });
    }

    /** Page {@code page} (from 0) of {@code size} jobs, newest first; {@code owner} null for everyone's (Mistral's paging). */
    public List<JobRecord> page(String owner, int page, int size) {
        return database.jdbi().withHandle(h -> {
            var q = h.createQuery("SELECT * FROM fine_tuning_jobs" + (owner == null ? "" : " WHERE owner = :owner")
                    + " ORDER BY created_ms DESC, id DESC LIMIT :limit OFFSET :offset")
                    .bind("limit", size).bind("offset", (long) page * size);
            if (owner != null) {
                q.bind("owner", owner);
            }
            return q.map((rs, ctx) -> job(rs)).list();
        });
    }

    /** How many jobs {@code owner} has (everyone's for null). */
    public long count(String owner) {
        return database.jdbi().withHandle(h -> {
            var q = h.createQuery("SELECT COUNT(*) FROM fine_tuning_jobs" + (owner == null ? "" : " WHERE owner = :owner"));
            if (owner != null) {
                q.bind("owner", owner);
            }
            return q.mapTo(Long.class).one();
        });
    }

    /** When job {@code id} last changed: its newest event (each change logs one), else its creation. */
    public long modifiedMs(JobRecord j) {
        long newest = database.jdbi().withHandle(h -> h.createQuery("SELECT COALESCE(MAX(created_ms), 0) FROM fine_tuning_events"
                + " WHERE job_id = :j").bind("j", j.id()).mapTo(Long.class).one());
        long t = Math.max(j.createdMs(), newest);
        t = Math.max(t, j.startedMs() == null ? 0 : j.startedMs());
        return Math.max(t, j.finishedMs() == null ? 0 : j.finishedMs());
    }

    /** The oldest queued job, the next to run. */
    public Optional<JobRecord> nextQueued() {
        return database.jdbi().withHandle(h -> h.createQuery("SELECT * FROM fine_tuning_jobs WHERE status = :s"
                        + " ORDER BY created_ms, id LIMIT 1").bind("s", JobRecord.QUEUED)
                .map((rs, ctx) -> job(rs)).findOne());
    }

    /** Jobs in one of {@code statuses}, oldest first. */
    public List<JobRecord> withStatus(String... statuses) {
        return database.jdbi().withHandle(h -> h.createQuery("SELECT * FROM fine_tuning_jobs WHERE status IN (<s>)"
                        + " ORDER BY created_ms, id").bindList("s", List.of(statuses))
                .map((rs, ctx) -> job(rs)).list());
    }

    /**
     * Moves job {@code id} from {@code from} to {@code to}; false (and nothing changed) when it is no longer in
     * {@code from}: a job cancelled meanwhile stays cancelled.
     */
    public boolean transition(String id, String from, String to, long nowMs) {
        String times = switch (to) {
            case JobRecord.RUNNING -> ", started_ms = :now";
            case JobRecord.SUCCEEDED, JobRecord.FAILED, JobRecord.CANCELLED -> ", finished_ms = :now";
            default -> "";
        };
        return database.jdbi().withHandle(h -> h.createUpdate("UPDATE fine_tuning_jobs SET status = :to" + times
                        + " WHERE id = :id AND status = :from")
                .bind("id", id).bind("from", from).bind("to", to).bind("now", nowMs).execute()) > 0;
    }

    /** Cancels job {@code id} unless it has finished; false when it had. */
    public boolean cancel(String id, long nowMs) {
        return database.jdbi().withHandle(h -> h.createUpdate("UPDATE fine_tuning_jobs SET status = :c, finished_ms = :now"
                        + " WHERE id = :id AND status NOT IN (:s, :f, :c)")
                .bind("id", id).bind("c", JobRecord.CANCELLED).bind("s", JobRecord.SUCCEEDED).bind("f", JobRecord.FAILED)
                .bind("now", nowMs).execute()) > 0;
    }

    /** A running job finished: its model and the tokens it trained on (false if it was cancelled meanwhile). */
    public boolean succeed(String id, String fineTunedModel, long trainedTokens, long nowMs) {
        return database.jdbi().withHandle(h -> h.createUpdate("UPDATE fine_tuning_jobs SET status = :s, fine_tuned_model = :m,"
                        + " trained_tokens = :t, finished_ms = :now WHERE id = :id AND status = :r")
                .bind("id", id).bind("s", JobRecord.SUCCEEDED).bind("m", fineTunedModel).bind("t", trainedTokens)
                .bind("r", JobRecord.RUNNING).bind("now", nowMs).execute()) > 0;
    }

    /** A job that had not finished failed, for the reason given. */
    public boolean fail(String id, String code, String message, String param, long nowMs) {
        return database.jdbi().withHandle(h -> h.createUpdate("UPDATE fine_tuning_jobs SET status = :f, error_code = :code,"
                        + " error_message = :msg, error_param = :param, finished_ms = :now WHERE id = :id AND status NOT IN (:s, :f, :c)")
                .bind("id", id).bind("f", JobRecord.FAILED).bind("s", JobRecord.SUCCEEDED).bind("c", JobRecord.CANCELLED)
                .bind("code", code).bind("msg", message).bind("param", param).bind("now", nowMs).execute()) > 0;
    }

    /** The models of the jobs that succeeded, oldest first. */
    public List<JobRecord> succeeded() {
        return withStatus(JobRecord.SUCCEEDED);
    }

    /**
     * Appends an event to the job's log. One statement reads the next sequence number and inserts, so it takes
     * SQLite's write lock at once (waiting its turn); a read-then-write transaction could instead fail at once when
     * another writer committed in between (WAL's busy snapshot).
     */
    public synchronized void addEvent(String jobId, String level, String type, String message, String data, long nowMs) {
        database.jdbi().useHandle(h -> h.createUpdate("INSERT INTO fine_tuning_events (id, job_id, seq, level, type, message, data, created_ms)"
                        + " SELECT :id, :j, COALESCE(MAX(seq), 0) + 1, :level, :type, :msg, :data, :now FROM fine_tuning_events WHERE job_id = :j")
                .bind("id", RandomIds.of("ftevent-", 24)).bind("j", jobId).bind("level", level)
                .bind("type", type).bind("msg", message).bind("data", data).bind("now", nowMs).execute());
    }

    /** A job's events newest first, those older than event {@code after} when given. */
    public List<JobEvent> events(String jobId, String after, int limit) {
        return database.jdbi().withHandle(h -> {
            Long cursor = after == null ? null : h.createQuery("SELECT seq FROM fine_tuning_events WHERE id = :id AND job_id = :j")
                    .bind("id", after).bind("j", jobId).mapTo(Long.class).findOne().orElse(null);
            var q = h.createQuery("SELECT * FROM fine_tuning_events WHERE job_id = :j" + (cursor == null ? "" : " AND seq < :c")
                    + " ORDER BY seq DESC LIMIT :limit").bind("j", jobId).bind("limit", limit);
            if (cursor != null) {
                q.bind("c", cursor);
            }
            return q.map((rs, ctx) -> new JobEvent(rs.getString("id"), rs.getString("job_id"), rs.getLong("seq"),
                    rs.getString("level"), rs.getString("type"), rs.getString("message"), rs.getString("data"),
                    rs.getLong("created_ms"))).list();
        });
    }

    /** Records (or, on a resumed run, records again) the losses at a checkpoint's step. */
    public void addCheckpoint(String jobId, long step, Double trainLoss, Double validLoss, long nowMs) {
        database.jdbi().useTransaction(h -> {
            h.createUpdate("DELETE FROM fine_tuning_checkpoints WHERE job_id = :j AND step = :step")
                    .bind("j", jobId).bind("step", step).execute();
            h.createUpdate("INSERT INTO fine_tuning_checkpoints (id, job_id, step, train_loss, valid_loss, created_ms)"
                            + " VALUES (:id, :j, :step, :train, :valid, :now)")
                    .bind("id", RandomIds.of("ftckpt-", 24)).bind("j", jobId).bind("step", step).bind("train", trainLoss)
                    .bind("valid", validLoss).bind("now", nowMs).execute();
        });
    }

    /** A job's checkpoints, latest step first, those before checkpoint {@code after} when given. */
    public List<JobCheckpoint> checkpoints(String jobId, String after, int limit) {
        return database.jdbi().withHandle(h -> {
            Long cursor = after == null ? null : h.createQuery("SELECT step FROM fine_tuning_checkpoints WHERE id = :id AND job_id = :j")
                    .bind("id", after).bind("j", jobId).mapTo(Long.class).findOne().orElse(null);
            var q = h.createQuery("SELECT * FROM fine_tuning_checkpoints WHERE job_id = :j" + (cursor == null ? "" : " AND step < :c")
                    + " ORDER BY step DESC LIMIT :limit").bind("j", jobId).bind("limit", limit);
            if (cursor != null) {
                q.bind("c", cursor);
            }
            return q.map((rs, ctx) -> new JobCheckpoint(rs.getString("id"), rs.getString("job_id"), rs.getLong("step"),
                    nullableDouble(rs, "train_loss"), nullableDouble(rs, "valid_loss"), rs.getLong("created_ms"))).list();
        });
    }

    private static Double nullableDouble(ResultSet rs, String column) throws SQLException {
        double v = rs.getDouble(column);
        return rs.wasNull() ? null : v;
    }

    private static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    private static JobRecord job(ResultSet rs) throws SQLException {
        return new JobRecord(rs.getString("id"), rs.getString("owner"), rs.getString("model"), rs.getString("status"),
                rs.getString("spec"), rs.getString("fine_tuned_model"), nullableLong(rs, "trained_tokens"),
                rs.getString("error_code"), rs.getString("error_message"), rs.getString("error_param"),
                rs.getLong("created_ms"), nullableLong(rs, "started_ms"), nullableLong(rs, "finished_ms"));
    }
}
