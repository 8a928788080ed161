-- API keys and per-day usage. Portable SQL (SQLite and PostgreSQL): TEXT, BIGINT, no engine-specific types.
-- Times are UTC epoch seconds; days are ISO dates ('2026-11-22', UTC). Later tables (conversations, files,
-- fine-tuning jobs) come as further V<n>__*.sql files: a migration once applied is never edited.

CREATE TABLE api_keys (
    id            TEXT PRIMARY KEY,          -- 'key_' + 16 random alphanumerics; what `keys revoke` takes
    name          TEXT NOT NULL,
    prefix        TEXT NOT NULL,             -- the secret's first characters, shown so a user can tell keys apart
    secret_sha256 TEXT NOT NULL UNIQUE,      -- hex SHA-256 of the whole secret; the secret itself is never stored
    scopes        TEXT NOT NULL,             -- space-separated: 'inference', 'inference admin'
    rpm           BIGINT,                    -- requests per minute, NULL for no limit
    tpm           BIGINT,                    -- tokens per minute, NULL for no limit
    created_at    BIGINT NOT NULL,
    revoked_at    BIGINT,
    last_used_at  BIGINT
);

CREATE TABLE usage_daily (
    key_id            TEXT NOT NULL,         -- an api_keys id, or 'anonymous' / 'api-key' (serve --api-key)
    day               TEXT NOT NULL,
    model             TEXT NOT NULL,
    requests          BIGINT NOT NULL,
    prompt_tokens     BIGINT NOT NULL,
    completion_tokens BIGINT NOT NULL,
    PRIMARY KEY (key_id, day, model)
);

CREATE INDEX usage_daily_by_day ON usage_daily (day);
