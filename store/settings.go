package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

var (
	qSetting    = q(`SELECT value FROM settings WHERE key = ?`)
	qPutSetting = q(`INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`)
	qAddSetting = q(`INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`)
)

// Setting returns a stored setting, or ErrNotFound.
func (q Queries) Setting(ctx context.Context, key string) (string, error) {
	var v string
	err := q.get(ctx, &v, qSetting, key)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("store: setting %s: %w", key, ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("store: setting %s: %w", key, err)
	}
	return v, nil
}

// PutSetting stores a setting, replacing any value.
func (q Queries) PutSetting(ctx context.Context, key, value string) error {
	if _, err := q.exec(ctx, qPutSetting, key, value); err != nil {
		return fmt.Errorf("store: put setting %s: %w", key, err)
	}
	return nil
}

// SettingOnce stores value under key unless the key exists, and returns the value that is stored.
// Two servers racing to create the same generated secret end up with one.
func (q Queries) SettingOnce(ctx context.Context, key, value string) (string, error) {
	if _, err := q.exec(ctx, qAddSetting, key, value); err != nil {
		return "", fmt.Errorf("store: add setting %s: %w", key, err)
	}
	return q.Setting(ctx, key)
}
