-- +goose Up
-- A patient's appointments_version changes whenever anything their appointment list shows
-- changes: one of their appointments is added, changed or removed, or a site it is at is renamed
-- or moves. Servers keep a patient's list in memory under this value, so every server sees a
-- change at once without reading the list on every page. The value changes in the same
-- transaction as the change, so a reader never sees the change under the old value. Each change
-- draws a new random value rather than counting up, so a database restored from a backup (or a
-- standby promoted after a failover) can never come back to a value a running server holds for
-- other data. The update holds the patient's row until the change commits, so two changes to one
-- patient's appointments take turns; changes to different patients do not wait for each other.
ALTER TABLE patients ADD COLUMN appointments_version BIGINT NOT NULL DEFAULT 0;

-- +goose StatementBegin
CREATE FUNCTION appointments_version_draw() RETURNS bigint LANGUAGE sql VOLATILE AS $$
    SELECT (random() * 9007199254740991)::bigint
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION appointments_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        UPDATE patients SET appointments_version = appointments_version_draw() WHERE id = OLD.patient_id;
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.patient_id <> OLD.patient_id) THEN
        UPDATE patients SET appointments_version = appointments_version_draw() WHERE id = NEW.patient_id;
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER appointments_version AFTER INSERT OR UPDATE OR DELETE ON appointments
    FOR EACH ROW EXECUTE FUNCTION appointments_version_bump();

-- A site's patients are locked in id order, so two site changes never wait for each other in a circle.
-- +goose StatementBegin
CREATE FUNCTION appointments_version_site() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM patients WHERE id IN (SELECT patient_id FROM appointments WHERE site_id = NEW.id)
        ORDER BY id FOR NO KEY UPDATE;
    UPDATE patients SET appointments_version = appointments_version_draw()
    WHERE id IN (SELECT patient_id FROM appointments WHERE site_id = NEW.id);
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER appointments_version_site AFTER UPDATE OF name, address ON sites
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.address IS DISTINCT FROM NEW.address)
    EXECUTE FUNCTION appointments_version_site();

-- +goose Down
DROP TRIGGER appointments_version_site ON sites;
DROP FUNCTION appointments_version_site();
DROP TRIGGER appointments_version ON appointments;
DROP FUNCTION appointments_version_bump();
DROP FUNCTION appointments_version_draw();
ALTER TABLE patients DROP COLUMN appointments_version;
