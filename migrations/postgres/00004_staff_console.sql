-- +goose Up
-- The staff console: each call the booking centre makes about a task, and the console's
-- long-running work (a post-room batch of letters, a report export) with its progress.
CREATE TABLE call_attempts (
    id         BIGSERIAL PRIMARY KEY,
    task_id    BIGINT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    staff_id   BIGINT REFERENCES staff(id) ON DELETE SET NULL,
    outcome    TEXT NOT NULL CHECK (outcome IN ('spoke', 'no_answer', 'voicemail', 'wrong_number', 'call_back_later')),
    note       TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX call_attempts_task ON call_attempts(task_id, created_at);

CREATE TABLE staff_jobs (
    id           BIGSERIAL PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('postroom_batch', 'report_export')),
    staff_id     BIGINT REFERENCES staff(id) ON DELETE SET NULL,
    status       TEXT NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done', 'failed')),
    params       TEXT NOT NULL DEFAULT '',
    done_items   INTEGER NOT NULL DEFAULT 0,
    total_items  INTEGER NOT NULL DEFAULT 0,
    filename     TEXT NOT NULL DEFAULT '',
    content_type TEXT NOT NULL DEFAULT '',
    result       BYTEA,
    error        TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at  TIMESTAMPTZ
);
CREATE INDEX staff_jobs_kind_created ON staff_jobs(kind, created_at);

-- Reports count tasks and letters by when they happened.
CREATE INDEX tasks_created ON tasks(created_at);
CREATE INDEX letters_created ON letters(created_at);

-- +goose Down
DROP INDEX letters_created;
DROP INDEX tasks_created;
DROP TABLE staff_jobs;
DROP TABLE call_attempts;
