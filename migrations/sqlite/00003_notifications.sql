-- +goose Up
-- The scheduler and the delivery log look notifications up by letter and by appointment, and the
-- post room lists what waits on the post channel.
CREATE INDEX notifications_letter ON notifications(letter_id, purpose);
CREATE INDEX notifications_appointment ON notifications(appointment_id, purpose);
CREATE INDEX notifications_channel_status ON notifications(channel, status, sent_at);

-- +goose Down
DROP INDEX notifications_channel_status;
DROP INDEX notifications_appointment;
DROP INDEX notifications_letter;
