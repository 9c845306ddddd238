-- +goose Up
-- A patient's appointments_version changes whenever anything their appointment list shows
-- changes: one of their appointments is added, changed or removed, or a site it is at is renamed
-- or moves. Servers keep a patient's list in memory under this value, so every server sees a
-- change at once without reading the list on every page. Each change draws a new random value
-- rather than counting up, so a database restored from a backup can never come back to a value a
-- running server holds for other data.
ALTER TABLE patients ADD COLUMN appointments_version INTEGER NOT NULL DEFAULT 0;

-- +goose StatementBegin
CREATE TRIGGER appointments_version_insert AFTER INSERT ON appointments
BEGIN
    UPDATE patients SET appointments_version = random() WHERE id = NEW.patient_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER appointments_version_update AFTER UPDATE ON appointments
BEGIN
    UPDATE patients SET appointments_version = random() WHERE id IN (OLD.patient_id, NEW.patient_id);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER appointments_version_delete AFTER DELETE ON appointments
BEGIN
    UPDATE patients SET appointments_version = random() WHERE id = OLD.patient_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER appointments_version_site AFTER UPDATE OF name, address ON sites
WHEN OLD.name IS NOT NEW.name OR OLD.address IS NOT NEW.address
BEGIN
    UPDATE patients SET appointments_version = random()
    WHERE id IN (SELECT patient_id FROM appointments WHERE site_id = NEW.id);
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER appointments_version_site;
DROP TRIGGER appointments_version_delete;
DROP TRIGGER appointments_version_update;
DROP TRIGGER appointments_version_insert;
ALTER TABLE patients DROP COLUMN appointments_version;
