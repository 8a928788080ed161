-- The web app's conversations and their messages. Portable SQL as in V1. Unlike V1, times here are UTC epoch
-- milliseconds: a chat's order within one second matters (a list sorted by last change, messages sent together).

CREATE TABLE conversations (
    id            TEXT PRIMARY KEY,          -- 'conv_' + 16 random alphanumerics
    owner         TEXT NOT NULL,             -- the caller's key id ('anonymous', 'api-key' or an api_keys id): only it sees this
    title         TEXT NOT NULL,
    model         TEXT,                      -- the model picked for it, NULL for the server's first
    system_prompt TEXT,
    settings      TEXT NOT NULL,             -- JSON object of sampling settings: {"temperature": 0.7, "max_tokens": 512}
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);

CREATE INDEX conversations_by_owner ON conversations (owner, updated_at);

CREATE TABLE messages (
    conversation_id   TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    position          BIGINT NOT NULL,       -- 0, 1, 2, ... within its conversation
    role              TEXT NOT NULL,         -- 'user', 'assistant' or 'tool'
    content           TEXT NOT NULL,
    tool_calls        TEXT,                  -- JSON array in the chat API's shape, or NULL
    tool_call_id      TEXT,                  -- a tool message answers this call
    model             TEXT,                  -- the model that wrote an assistant message
    finish_reason     TEXT,                  -- 'stop', 'length', 'tool_calls', or 'cancelled' when the user stopped it
    prompt_tokens     BIGINT,
    completion_tokens BIGINT,
    tokens_per_second DOUBLE PRECISION,
    created_at        BIGINT NOT NULL,
    PRIMARY KEY (conversation_id, position)
);
