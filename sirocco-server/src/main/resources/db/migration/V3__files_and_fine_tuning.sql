-- Uploaded files and fine-tuning jobs (issue #4). Portable SQL as V1. The bytes of a file live under the data
-- directory (files/<id>), never in the database; times are UTC epoch milliseconds (the API shows seconds).

CREATE TABLE files (
    id          TEXT PRIMARY KEY,            -- 'file-' + 24 random alphanumerics
    owner       TEXT NOT NULL,               -- the key id that uploaded it (see usage_daily.key_id)
    filename    TEXT NOT NULL,               -- as the client named it
    purpose     TEXT NOT NULL,               -- 'fine-tune', ...
    bytes       BIGINT NOT NULL,
    lines       BIGINT,                      -- non-empty JSONL lines, for fine-tune files
    created_ms  BIGINT NOT NULL
);

CREATE TABLE fine_tuning_jobs (
    id                TEXT PRIMARY KEY,      -- 'ftjob-' + 24 random alphanumerics
    owner             TEXT NOT NULL,
    model             TEXT NOT NULL,         -- the base model's id
    status            TEXT NOT NULL,         -- validating_files, queued, running, succeeded, failed, cancelled
    spec              TEXT NOT NULL,         -- the normalised request (JSON): files, hyperparameters, suffix, seed, metadata
    fine_tuned_model  TEXT,                  -- set when it succeeds
    trained_tokens    BIGINT,
    error_code        TEXT,
    error_message     TEXT,
    error_param       TEXT,
    created_ms        BIGINT NOT NULL,
    started_ms        BIGINT,
    finished_ms       BIGINT
);

CREATE INDEX fine_tuning_jobs_by_status ON fine_tuning_jobs (status, created_ms);

CREATE TABLE fine_tuning_events (
    id          TEXT PRIMARY KEY,            -- 'ftevent-' + 24 random alphanumerics
    job_id      TEXT NOT NULL REFERENCES fine_tuning_jobs (id),
    seq         BIGINT NOT NULL,             -- order within the job
    level       TEXT NOT NULL,               -- info, warn, error
    type        TEXT NOT NULL,               -- message, metrics
    message     TEXT NOT NULL,
    data        TEXT,                        -- JSON, for metrics
    created_ms  BIGINT NOT NULL,
    UNIQUE (job_id, seq)
);

CREATE TABLE fine_tuning_checkpoints (
    id          TEXT PRIMARY KEY,            -- 'ftckpt-' + 24 random alphanumerics
    job_id      TEXT NOT NULL REFERENCES fine_tuning_jobs (id),
    step        BIGINT NOT NULL,
    train_loss  DOUBLE PRECISION,
    valid_loss  DOUBLE PRECISION,
    created_ms  BIGINT NOT NULL,
    UNIQUE (job_id, step)
);
