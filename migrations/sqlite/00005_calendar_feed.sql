-- +goose Up
-- A patient's private calendar feed: the link a phone's calendar subscribes to. The token in the
-- link is the only credential, so it is kept as an HMAC (to find the feed) and sealed with the
-- server's key (to show the link again on the preferences page); a patient has at most one.
CREATE TABLE calendar_feeds (
    patient_id   INTEGER PRIMARY KEY REFERENCES patients(id) ON DELETE CASCADE,
    token_hash   TEXT NOT NULL UNIQUE,
    token_sealed TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- +goose Down
DROP TABLE calendar_feeds;
