-- +goose Up
-- Where a letter's PDF came from: "generated" by the hub from the appointment (the post room may
-- draw it again into its batch), or "uploaded" by staff or supplied by the hospital (only the
-- stored file is the letter: it is printed and enclosed, or sent as it is). Letters from before
-- this column count as uploaded, so their stored file is what gets posted.
ALTER TABLE letters ADD COLUMN source TEXT NOT NULL DEFAULT 'uploaded' CHECK (source IN ('generated', 'uploaded'));

-- +goose Down
ALTER TABLE letters DROP COLUMN source;
