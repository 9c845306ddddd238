-- +goose Up
CREATE TABLE sites (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    department  TEXT NOT NULL DEFAULT '',
    address     TEXT NOT NULL DEFAULT '',
    postcode    TEXT NOT NULL DEFAULT '',
    phone       TEXT NOT NULL DEFAULT '',
    directions  TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at  TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE site_maps (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    site_id      INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    title        TEXT NOT NULL,
    filename     TEXT NOT NULL,
    content_type TEXT NOT NULL,
    data         BLOB NOT NULL,
    created_at   TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX site_maps_site ON site_maps(site_id);

CREATE TABLE patients (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    hospital_number   TEXT NOT NULL UNIQUE,
    nhs_number        TEXT,
    given_name        TEXT NOT NULL,
    family_name       TEXT NOT NULL,
    date_of_birth     DATE NOT NULL,
    address           TEXT NOT NULL DEFAULT '',
    postcode          TEXT NOT NULL DEFAULT '',
    mobile            TEXT,
    email             TEXT,
    preferred_channel TEXT NOT NULL DEFAULT 'sms' CHECK (preferred_channel IN ('sms', 'email')),
    opted_out_at      TIMESTAMP,
    discreet          INTEGER NOT NULL DEFAULT 0,
    verification_code TEXT NOT NULL,
    language          TEXT NOT NULL DEFAULT 'en',
    created_at        TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at        TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX patients_mobile_dob ON patients(mobile, date_of_birth);
CREATE INDEX patients_email_dob ON patients(email, date_of_birth);
CREATE INDEX patients_nhs_number ON patients(nhs_number);
CREATE INDEX patients_name_dob ON patients(lower(family_name), date_of_birth);

CREATE TABLE appointments (
    id                      INTEGER PRIMARY KEY AUTOINCREMENT,
    patient_id              INTEGER NOT NULL REFERENCES patients(id) ON DELETE CASCADE,
    external_id             TEXT NOT NULL UNIQUE,
    clinic                  TEXT NOT NULL,
    specialty               TEXT NOT NULL DEFAULT '',
    clinician               TEXT NOT NULL DEFAULT '',
    site_id                 INTEGER REFERENCES sites(id),
    starts_at               TIMESTAMP NOT NULL,
    ends_at                 TIMESTAMP NOT NULL,
    kind                    TEXT NOT NULL DEFAULT 'in_person' CHECK (kind IN ('in_person', 'phone', 'video')),
    video_link              TEXT NOT NULL DEFAULT '',
    status                  TEXT NOT NULL DEFAULT 'booked' CHECK (status IN ('booked', 'confirmed', 'rebook_requested', 'rebooked', 'cancel_requested', 'cancelled', 'cancelled_by_hospital', 'attended', 'did_not_attend')),
    bring                   TEXT NOT NULL DEFAULT '',
    instructions            TEXT NOT NULL DEFAULT '',
    previous_appointment_id INTEGER REFERENCES appointments(id) ON DELETE SET NULL,
    sequence                INTEGER NOT NULL DEFAULT 0,
    responded_at            TIMESTAMP,
    status_changed_at       TIMESTAMP,
    created_at              TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at              TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CHECK (ends_at >= starts_at)
);
CREATE INDEX appointments_patient_starts ON appointments(patient_id, starts_at);
CREATE INDEX appointments_starts ON appointments(starts_at);

CREATE TABLE letters (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    patient_id      INTEGER NOT NULL REFERENCES patients(id) ON DELETE CASCADE,
    appointment_id  INTEGER REFERENCES appointments(id) ON DELETE CASCADE,
    title           TEXT NOT NULL,
    created_at      TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    first_viewed_at TIMESTAMP,
    posted_at       TIMESTAMP
);
CREATE INDEX letters_patient_created ON letters(patient_id, created_at);
CREATE INDEX letters_unread ON letters(created_at) WHERE first_viewed_at IS NULL AND posted_at IS NULL;

CREATE TABLE letter_files (
    letter_id    INTEGER PRIMARY KEY REFERENCES letters(id) ON DELETE CASCADE,
    filename     TEXT NOT NULL,
    content_type TEXT NOT NULL,
    data         BLOB NOT NULL
);

CREATE TABLE messages (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    patient_id INTEGER NOT NULL REFERENCES patients(id) ON DELETE CASCADE,
    subject    TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    read_at    TIMESTAMP
);
CREATE INDEX messages_patient_created ON messages(patient_id, created_at);

CREATE TABLE staff (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    username      TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('agent', 'postroom', 'admin')),
    password_hash TEXT NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until  TIMESTAMP,
    created_at    TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at    TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE tasks (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    patient_id        INTEGER NOT NULL REFERENCES patients(id) ON DELETE CASCADE,
    appointment_id    INTEGER REFERENCES appointments(id) ON DELETE CASCADE,
    kind              TEXT NOT NULL CHECK (kind IN ('rebook', 'cancel', 'optout_form', 'contact_fix')),
    status            TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'in_progress', 'done')),
    assigned_staff_id INTEGER REFERENCES staff(id) ON DELETE SET NULL,
    patient_note      TEXT NOT NULL DEFAULT '',
    callback_times    TEXT NOT NULL DEFAULT '',
    outcome           TEXT NOT NULL DEFAULT '',
    created_at        TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at        TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    claimed_at        TIMESTAMP,
    done_at           TIMESTAMP
);
CREATE INDEX tasks_status_created ON tasks(status, created_at);
CREATE INDEX tasks_patient ON tasks(patient_id);
CREATE UNIQUE INDEX tasks_one_open_per_appointment ON tasks(appointment_id, kind) WHERE status <> 'done';

CREATE TABLE notifications (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    patient_id      INTEGER REFERENCES patients(id) ON DELETE CASCADE,
    appointment_id  INTEGER REFERENCES appointments(id) ON DELETE CASCADE,
    letter_id       INTEGER REFERENCES letters(id) ON DELETE CASCADE,
    purpose         TEXT NOT NULL,
    channel         TEXT NOT NULL CHECK (channel IN ('sms', 'email', 'push', 'post')),
    recipient       TEXT NOT NULL DEFAULT '',
    subject         TEXT NOT NULL DEFAULT '',
    body            TEXT NOT NULL DEFAULT '',
    idempotency_key TEXT NOT NULL UNIQUE,
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'delivered', 'failed', 'cancelled')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    provider        TEXT NOT NULL DEFAULT '',
    provider_ref    TEXT NOT NULL DEFAULT '',
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at      TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    sent_at         TIMESTAMP,
    delivered_at    TIMESTAMP
);
CREATE INDEX notifications_due ON notifications(next_attempt_at) WHERE status IN ('pending', 'sending');
CREATE INDEX notifications_patient_created ON notifications(patient_id, created_at);
CREATE INDEX notifications_provider_ref ON notifications(provider, provider_ref);

CREATE TABLE sign_in_codes (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    contact       TEXT NOT NULL,
    date_of_birth DATE NOT NULL,
    code_hmac     TEXT NOT NULL,
    patient_ids   TEXT NOT NULL DEFAULT '',
    expires_at    TIMESTAMP NOT NULL,
    wrong_guesses INTEGER NOT NULL DEFAULT 0,
    used_at       TIMESTAMP,
    ip            TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX sign_in_codes_contact_created ON sign_in_codes(contact, created_at);

CREATE TABLE sign_in_locks (
    contact       TEXT PRIMARY KEY,
    failed_streak INTEGER NOT NULL DEFAULT 0,
    locked_until  TIMESTAMP,
    updated_at    TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE sessions (
    id           TEXT PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('patient', 'staff')),
    patient_id   INTEGER REFERENCES patients(id) ON DELETE CASCADE,
    staff_id     INTEGER REFERENCES staff(id) ON DELETE CASCADE,
    data         TEXT NOT NULL DEFAULT '{}',
    created_at   TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    last_seen_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    expires_at   TIMESTAMP NOT NULL
);
CREATE INDEX sessions_expires ON sessions(expires_at);
CREATE INDEX sessions_patient ON sessions(patient_id);

CREATE TABLE push_subscriptions (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    patient_id      INTEGER NOT NULL REFERENCES patients(id) ON DELETE CASCADE,
    endpoint        TEXT NOT NULL UNIQUE,
    p256dh          TEXT NOT NULL,
    auth            TEXT NOT NULL,
    created_at      TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    last_success_at TIMESTAMP
);
CREATE INDEX push_subscriptions_patient ON push_subscriptions(patient_id);

CREATE TABLE audit_events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    at         TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    actor_kind TEXT NOT NULL CHECK (actor_kind IN ('patient', 'staff', 'system', 'anonymous')),
    actor_id   TEXT NOT NULL DEFAULT '',
    patient_id INTEGER,
    action     TEXT NOT NULL,
    object     TEXT NOT NULL DEFAULT '',
    detail     TEXT NOT NULL DEFAULT '',
    request_id TEXT NOT NULL DEFAULT '',
    ip         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_events_patient_at ON audit_events(patient_id, at);
CREATE INDEX audit_events_at ON audit_events(at);

CREATE TABLE outbox_messages (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    channel    TEXT NOT NULL,
    recipient  TEXT NOT NULL,
    purpose    TEXT NOT NULL DEFAULT '',
    subject    TEXT NOT NULL DEFAULT '',
    body       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- +goose Down
DROP TABLE settings;
DROP TABLE outbox_messages;
DROP TABLE audit_events;
DROP TABLE push_subscriptions;
DROP TABLE sessions;
DROP TABLE sign_in_locks;
DROP TABLE sign_in_codes;
DROP TABLE notifications;
DROP TABLE tasks;
DROP TABLE staff;
DROP TABLE messages;
DROP TABLE letter_files;
DROP TABLE letters;
DROP TABLE appointments;
DROP TABLE patients;
DROP TABLE site_maps;
DROP TABLE sites;
